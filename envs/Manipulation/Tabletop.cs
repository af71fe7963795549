namespace Qail.Envs.Manipulation;

/// <summary>
/// The 2.5-D tabletop world: a square table, rigid objects with disc footprints and heights, and a parallel-jaw
/// gripper at (x, y, z) that is open or closed. A grasped object (and whatever rests on it) moves with the gripper;
/// a released object drops onto the highest surface under its footprint (a bowl's floor, a plate, a block, the table);
/// the closed, empty gripper lands on objects it comes down onto and pushes those it meets sideways below their top;
/// footprints of objects standing on the table never overlap. Units: metres; the table spans [-<see cref="HalfSize"/>,
/// <see cref="HalfSize"/>] in x and y.
/// </summary>
public sealed class Tabletop
{
    /// <summary>Half the table's side, metres.</summary>
    public const double HalfSize = 0.3;

    /// <summary>Highest fingertip height the arm reaches, metres.</summary>
    public const double MaxHeight = 0.3;

    /// <summary>Radius of the closed gripper's footprint when it pushes, metres.</summary>
    public const double GripperRadius = 0.012;

    /// <summary>
    /// Largest horizontal distance from an object's centre at which closing the gripper grasps it, metres.
    /// </summary>
    public const double GraspTolerance = 0.015;

    /// <summary><see cref="TabletopObject.Support"/> of an object standing on the table.</summary>
    public const int OnTable = -1;

    /// <summary><see cref="TabletopObject.Support"/> of the object held by the gripper.</summary>
    public const int InGripper = -2;

    private const int PushIterations = 12;
    private const double Epsilon = 1e-9;

    private readonly List<TabletopObject> _objects = [];
    private double _heldDx, _heldDy, _heldDz;

    /// <summary>An empty table with the open gripper at the given position.</summary>
    public Tabletop(double gripperX, double gripperY, double gripperZ)
    {
        CheckInside(gripperX, gripperY, 0, nameof(gripperX));
        if (!(gripperZ >= 0 && gripperZ <= MaxHeight))
            throw new ArgumentOutOfRangeException(nameof(gripperZ),
                $"Tabletop: gripper height {gripperZ} outside [0, {MaxHeight}].");
        GripperX = gripperX;
        GripperY = gripperY;
        GripperZ = gripperZ;
    }

    /// <summary>The objects, in the order they were added (indices are stable).</summary>
    public IReadOnlyList<TabletopObject> Objects => _objects;

    /// <summary>Gripper centre x, metres.</summary>
    public double GripperX { get; private set; }

    /// <summary>Gripper centre y, metres.</summary>
    public double GripperY { get; private set; }

    /// <summary>Fingertip height above the table, metres.</summary>
    public double GripperZ { get; private set; }

    /// <summary>Whether the jaws are open.</summary>
    public bool GripperOpen { get; private set; } = true;

    /// <summary>Index of the grasped object, or -1.</summary>
    public int Held { get; private set; } = -1;

    /// <summary>
    /// Offset from the gripper to the held object's centre (x, y) and from its base up to the fingertips (z).
    /// </summary>
    public (double X, double Y, double Z) HeldOffset => (_heldDx, _heldDy, _heldDz);

    /// <summary>Adds an object centred at (x, y), dropped onto whatever lies under it; returns its index.</summary>
    public int Add(ObjectKind kind, ObjectColour colour, double x, double y)
    {
        var o = new TabletopObject(kind, colour);
        CheckInside(x, y, o.Radius, nameof(x));
        var (height, support) = SurfaceUnder(x, y, o.Radius, exclude: -1);
        o.X = x;
        o.Y = y;
        o.Base = height;
        o.Support = support;
        _objects.Add(o);
        return _objects.Count - 1;
    }

    /// <summary>
    /// Moves the gripper by (dx, dy, dz) metres, within the workspace and above what it holds rests on, then applies
    /// the jaw command: closing grasps the object between the fingertips, opening releases the held one.
    /// </summary>
    public void Step(double dx, double dy, double dz, bool close)
    {
        if (!double.IsFinite(dx) || !double.IsFinite(dy) || !double.IsFinite(dz))
            throw new ArgumentException($"Tabletop.Step: motion ({dx}, {dy}, {dz}) must be finite.");
        double oldX = GripperX, oldY = GripperY;
        double nx = Math.Clamp(GripperX + dx, -HalfSize, HalfSize);
        double ny = Math.Clamp(GripperY + dy, -HalfSize, HalfSize);
        double nz = Math.Min(GripperZ + dz, MaxHeight);
        if (Held >= 0)
        {
            var h = _objects[Held];
            // The held object stays over the table and above whatever is under it.
            double limit = HalfSize - h.Radius;
            double hx = Math.Clamp(nx + _heldDx, -limit, limit), hy = Math.Clamp(ny + _heldDy, -limit, limit);
            nx = hx - _heldDx;
            ny = hy - _heldDy;
            nz = Math.Max(nz, SurfaceUnder(hx, hy, h.Radius, Held).Height + _heldDz);
            MoveSubtree(Held, hx - h.X, hy - h.Y, nz - _heldDz - h.Base);
        }
        else
        {
            nz = Math.Max(nz, 0.0);
            // Closed jaws coming down from above land on whatever is under them instead of shoving it aside;
            // open jaws straddle objects, and jaws already below a top push it sideways (see Push).
            if (!GripperOpen)
            {
                double top = SolidTopUnder(nx, ny, GripperRadius);
                if (GripperZ >= top - Epsilon) nz = Math.Max(nz, top);
            }
        }
        GripperX = nx;
        GripperY = ny;
        GripperZ = nz;
        if (Held < 0 && !GripperOpen) Push(oldX, oldY, nx - oldX, ny - oldY);

        if (close && GripperOpen)
        {
            GripperOpen = false;
            Grasp();
        }
        else if (!close && !GripperOpen)
        {
            GripperOpen = true;
            if (Held >= 0) Release();
        }
    }

    /// <summary>
    /// The highest surface under a disc footprint at (x, y) of the given radius, ignoring <paramref name="exclude"/>
    /// and what rests on it: (height, index of the supporting object or <see cref="OnTable"/>).
    /// </summary>
    public (double Height, int Support) SurfaceUnder(double x, double y, double radius, int exclude)
    {
        double best = 0.0;
        int support = OnTable;
        for (int i = 0; i < _objects.Count; i++)
        {
            var o = _objects[i];
            if (exclude >= 0 && IsWithin(i, exclude)) continue;
            if (o.Support == InGripper || (Held >= 0 && IsWithin(i, Held))) continue;
            double d = Distance(x, y, o.X, o.Y);
            if (d >= radius + o.Radius - Epsilon) continue;
            double surface = o.Kind == ObjectKind.Bowl && d + radius <= o.InnerRadius + Epsilon
                ? o.Base + o.FloorHeight : o.Top;
            if (surface > best)
            {
                best = surface;
                support = i;
            }
        }
        return (best, support);
    }

    // Highest top face of any object (not in the gripper) overlapping a disc footprint; bowls count as solid here.
    private double SolidTopUnder(double x, double y, double radius)
    {
        double top = 0.0;
        for (int i = 0; i < _objects.Count; i++)
        {
            var o = _objects[i];
            if (Held >= 0 && IsWithin(i, Held)) continue;
            if (Distance(x, y, o.X, o.Y) < radius + o.Radius - Epsilon) top = Math.Max(top, o.Top);
        }
        return top;
    }

    /// <summary>
    /// True when <paramref name="i"/> is <paramref name="ancestor"/> or rests on it, directly or through a stack.
    /// </summary>
    public bool IsWithin(int i, int ancestor)
    {
        for (int guard = 0; i >= 0 && guard <= _objects.Count; guard++)
        {
            if (i == ancestor) return true;
            i = _objects[i].Support;
        }
        return false;
    }

    /// <summary>
    /// Top of the stack standing on object <paramref name="root"/> (its own top when nothing rests on it).
    /// </summary>
    public double StackTop(int root)
    {
        double top = 0;
        for (int i = 0; i < _objects.Count; i++)
            if (IsWithin(i, root)) top = Math.Max(top, _objects[i].Top);
        return top;
    }

    /// <summary>Horizontal distance between two objects' centres.</summary>
    public double Distance(int a, int b) => Distance(_objects[a].X, _objects[a].Y, _objects[b].X, _objects[b].Y);

    private static double Distance(double x0, double y0, double x1, double y1) =>
        Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));

    private void Grasp()
    {
        int best = -1;
        for (int i = 0; i < _objects.Count; i++)
        {
            var o = _objects[i];
            if (!o.IsGraspable) continue;
            double tolerance = o.Kind == ObjectKind.Bowl ? 0.02 : GraspTolerance;
            if (Distance(GripperX, GripperY, o.X, o.Y) > tolerance) continue;
            // The fingertips must be beside the object's body, not above or under it.
            if (GripperZ < o.Base - Epsilon || GripperZ > o.Top - 0.005) continue;
            if (best < 0 || o.Base > _objects[best].Base) best = i;
        }
        if (best < 0) return;
        var g = _objects[best];
        Held = best;
        _heldDx = g.X - GripperX;
        _heldDy = g.Y - GripperY;
        _heldDz = GripperZ - g.Base;
        g.Support = InGripper;
    }

    private void Release()
    {
        var h = _objects[Held];
        int index = Held;
        var (height, support) = SurfaceUnder(h.X, h.Y, h.Radius, index);
        Held = -1;
        MoveSubtree(index, 0, 0, height - h.Base);
        h.Support = support;
    }

    // Rigid pushing by the closed, empty gripper: objects standing on the table are moved out of the gripper's disc,
    // then out of each other and inside the table's rim (Gauss-Seidel position correction, the gripper immovable).
    // When that does not untangle everything (an object jammed against the rim), the gripper is blocked: it keeps its
    // old position and nothing moves, so footprints never interpenetrate.
    private void Push(double oldX, double oldY, double dx, double dy)
    {
        int n = _objects.Count;
        Span<double> x0 = stackalloc double[n], y0 = stackalloc double[n];
        Span<bool> root = stackalloc bool[n];
        for (int i = 0; i < n; i++)
        {
            x0[i] = _objects[i].X;
            y0[i] = _objects[i].Y;
            root[i] = _objects[i].Support == OnTable;
        }
        bool contact = false;
        for (int i = 0; i < n && !contact; i++)
            contact = root[i] && StackTop(i) > GripperZ
                && Distance(GripperX, GripperY, x0[i], y0[i]) < _objects[i].Radius + GripperRadius - Epsilon;
        if (!contact) return;

        bool settled = false;
        for (int iteration = 0; iteration < PushIterations && !settled; iteration++)
        {
            for (int i = 0; i < n; i++)
            {
                if (!root[i] || StackTop(i) <= GripperZ) continue;
                var o = _objects[i];
                double ox = o.X - GripperX, oy = o.Y - GripperY, d = Math.Sqrt(ox * ox + oy * oy),
                    min = o.Radius + GripperRadius;
                if (d >= min) continue;
                if (d < Epsilon)
                {
                    // Dead centre: push along the gripper's motion (or +x when it did not move sideways).
                    double m = Math.Sqrt(dx * dx + dy * dy);
                    (ox, oy, d) = m > Epsilon ? (dx, dy, m) : (1.0, 0.0, 1.0);
                }
                o.X = GripperX + ox / d * min;
                o.Y = GripperY + oy / d * min;
            }
            for (int i = 0; i < n; i++)
            {
                if (!root[i]) continue;
                for (int j = i + 1; j < n; j++)
                {
                    if (!root[j]) continue;
                    TabletopObject a = _objects[i], b = _objects[j];
                    double ux = b.X - a.X, uy = b.Y - a.Y, d = Math.Sqrt(ux * ux + uy * uy),
                        overlap = a.Radius + b.Radius - d;
                    if (overlap <= 0) continue;
                    if (d < Epsilon) (ux, uy, d) = (1.0, 0.0, 1.0);
                    ux /= d;
                    uy /= d;
                    bool pinA = IsPinned(i), pinB = IsPinned(j);
                    double shareA = pinA == pinB ? 0.5 : pinA ? 0.0 : 1.0;
                    a.X -= ux * overlap * shareA;
                    a.Y -= uy * overlap * shareA;
                    b.X += ux * overlap * (1 - shareA);
                    b.Y += uy * overlap * (1 - shareA);
                }
            }
            for (int i = 0; i < n; i++)
            {
                if (!root[i]) continue;
                var o = _objects[i];
                double limit = HalfSize - o.Radius;
                o.X = Math.Clamp(o.X, -limit, limit);
                o.Y = Math.Clamp(o.Y, -limit, limit);
            }
            settled = Untangled(root);
        }

        if (!settled)
        {
            for (int i = 0; i < n; i++)
            {
                _objects[i].X = x0[i];
                _objects[i].Y = y0[i];
            }
            GripperX = oldX;
            GripperY = oldY;
            return;
        }
        for (int i = 0; i < n; i++)
        {
            if (!root[i]) continue;
            double mx = _objects[i].X - x0[i], my = _objects[i].Y - y0[i];
            if (mx == 0 && my == 0) continue;
            for (int j = 0; j < n; j++)
                if (j != i && IsWithin(j, i))
                {
                    _objects[j].X += mx;
                    _objects[j].Y += my;
                }
        }
    }

    private bool IsPinned(int i)
    {
        var o = _objects[i];
        return StackTop(i) > GripperZ && Distance(GripperX, GripperY, o.X, o.Y) < o.Radius + GripperRadius + 1e-6;
    }

    private bool Untangled(ReadOnlySpan<bool> root)
    {
        const double slack = 1e-7;
        for (int i = 0; i < _objects.Count; i++)
        {
            if (!root[i]) continue;
            var a = _objects[i];
            double limit = HalfSize - a.Radius + slack;
            if (Math.Abs(a.X) > limit || Math.Abs(a.Y) > limit) return false;
            if (StackTop(i) > GripperZ && Distance(GripperX, GripperY, a.X, a.Y) < a.Radius + GripperRadius - slack)
                return false;
            for (int j = i + 1; j < _objects.Count; j++)
                if (root[j] && Distance(i, j) < a.Radius + _objects[j].Radius - slack) return false;
        }
        return true;
    }

    private void MoveSubtree(int root, double dx, double dy, double dz)
    {
        for (int i = 0; i < _objects.Count; i++)
        {
            if (!IsWithin(i, root)) continue;
            _objects[i].X += dx;
            _objects[i].Y += dy;
            _objects[i].Base += dz;
        }
    }

    private static void CheckInside(double x, double y, double radius, string name)
    {
        double limit = HalfSize - radius;
        if (!(Math.Abs(x) <= limit && Math.Abs(y) <= limit))
            throw new ArgumentOutOfRangeException(name,
                $"Tabletop: position ({x}, {y}) with radius {radius} is not on the table [-{HalfSize}, {HalfSize}]^2.");
    }
}
