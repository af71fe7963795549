namespace Qail.Envs.Driving;

/// <summary>
/// A procedurally generated grid town (metres): straight two-way roads with two lanes per direction (right-hand
/// traffic) between square intersection boxes, optionally a few missing road segments (T-junctions), traffic lights
/// at intersections with three or four arms, and the lane graph vehicles drive on.
/// </summary>
public sealed class Town
{
    /// <summary>Width of one lane.</summary>
    public const double LaneWidth = 3.5;

    /// <summary>Lanes per travel direction.</summary>
    public const int LanesPerDirection = 2;

    /// <summary>Half the road width (two lanes each way).</summary>
    public const double RoadHalfWidth = LaneWidth * LanesPerDirection;

    /// <summary>Half the side of an intersection box; stop lines lie on the box edge.</summary>
    public const double BoxHalf = 11.0;

    /// <summary>Radius of the kerb rounding each box corner.</summary>
    public const double KerbRadius = BoxHalf - RoadHalfWidth;

    private static readonly Vec2[] Units = [new(1, 0), new(0, 1), new(-1, 0), new(0, -1)];

    private readonly double[] _xs;
    private readonly double[] _ys;
    private readonly bool[,] _eastLink;  // road between column i and i+1 on row j
    private readonly bool[,] _northLink; // road between row j and j+1 on column i
    // [intersection, direction, lane] -> edge leaving that intersection, -1 if none
    private readonly int[,,] _roadEdge;
    private readonly List<LaneEdge> _edges = [];
    private readonly double[] _lightOffset;
    private readonly TrafficLightTiming _timing;

    internal Town(double[] xs, double[] ys, bool[,] eastLink, bool[,] northLink, TrafficLightTiming timing,
        SplitMix64 rng)
    {
        _xs = xs;
        _ys = ys;
        _eastLink = eastLink;
        _northLink = northLink;
        _timing = timing;
        int n = xs.Length * ys.Length;
        _roadEdge = new int[n, 4, LanesPerDirection];
        _lightOffset = new double[n];
        for (int k = 0; k < n; k++)
            _lightOffset[k] = rng.Uniform(0, timing.Cycle);
        BuildLaneGraph();
    }

    /// <summary>Unit vector of travel direction <paramref name="d"/> (0 east, 1 north, 2 west, 3 south).</summary>
    public static Vec2 Unit(int d) => Units[d];

    /// <summary>Number of intersections (columns x rows).</summary>
    public int IntersectionCount => _xs.Length * _ys.Length;

    /// <summary>Road columns (x of north-south roads).</summary>
    public ReadOnlySpan<double> Columns => _xs;

    /// <summary>Road rows (y of east-west roads).</summary>
    public ReadOnlySpan<double> Rows => _ys;

    /// <summary>The lane graph's edges.</summary>
    public IReadOnlyList<LaneEdge> Edges => _edges;

    /// <summary>Lower-left and upper-right corners of the paved area.</summary>
    public (Vec2 Min, Vec2 Max) Bounds =>
        (new(_xs[0] - BoxHalf, _ys[0] - BoxHalf), new(_xs[^1] + BoxHalf, _ys[^1] + BoxHalf));

    /// <summary>Centre of intersection <paramref name="k"/>.</summary>
    public Vec2 Centre(int k) => new(_xs[k % _xs.Length], _ys[k / _xs.Length]);

    /// <summary>
    /// Neighbour of intersection <paramref name="k"/> along direction <paramref name="d"/>, or -1 when no road leads
    /// there.
    /// </summary>
    public int Neighbour(int k, int d)
    {
        int i = k % _xs.Length, j = k / _xs.Length;
        return d switch
        {
            0 => i + 1 < _xs.Length && _eastLink[i, j] ? k + 1 : -1,
            1 => j + 1 < _ys.Length && _northLink[i, j] ? k + _xs.Length : -1,
            2 => i > 0 && _eastLink[i - 1, j] ? k - 1 : -1,
            _ => j > 0 && _northLink[i, j - 1] ? k - _xs.Length : -1,
        };
    }

    /// <summary>Number of roads meeting at intersection <paramref name="k"/>.</summary>
    public int ArmCount(int k)
    {
        int arms = 0;
        for (int d = 0; d < 4; d++) if (Neighbour(k, d) >= 0) arms++;
        return arms;
    }

    /// <summary>True when intersection <paramref name="k"/> has traffic lights (three or four arms).</summary>
    public bool IsLit(int k) => ArmCount(k) >= 3;

    /// <summary>
    /// The light shown at time <paramref name="time"/> (s) to vehicles entering intersection <paramref name="k"/> while
    /// travelling in direction <paramref name="direction"/>. Two phases: east-west travel, then north-south travel,
    /// each green then yellow; left turns yield to oncoming traffic (see <see cref="Traffic"/>). Unlit intersections
    /// show green.
    /// </summary>
    public TrafficLightState Light(int k, int direction, double time)
    {
        if (!IsLit(k)) return TrafficLightState.Green;
        if (Neighbour(k, (direction + 2) % 4) < 0) return TrafficLightState.Red;
        double phase = (time + _lightOffset[k]) % _timing.Cycle;
        int active = (int)(phase / _timing.Slot);
        if (active != direction % 2) return TrafficLightState.Red;
        return phase - active * _timing.Slot < _timing.Green ? TrafficLightState.Green : TrafficLightState.Yellow;
    }

    /// <summary>
    /// The road lane leaving intersection <paramref name="k"/> in direction <paramref name="d"/> on lane
    /// <paramref name="lane"/>, or -1.
    /// </summary>
    public int RoadEdge(int k, int d, int lane) => _roadEdge[k, d, lane];

    /// <summary>Index of the intersection whose box contains <paramref name="p"/>, or -1.</summary>
    public int BoxAt(Vec2 p)
    {
        int i = Nearest(_xs, p.X), j = Nearest(_ys, p.Y);
        return Math.Abs(p.X - _xs[i]) <= BoxHalf && Math.Abs(p.Y - _ys[j]) <= BoxHalf ? j * _xs.Length + i : -1;
    }

    /// <summary>
    /// What lies at <paramref name="p"/>: paved road, lane marking (centre line, dashed lane divider, edge line,
    /// with half-width <paramref name="lineHalfWidth"/>), and, on a road segment, the signed lateral offset from the
    /// centre line with the axis (0 east-west, 1 north-south).
    /// </summary>
    public RoadSample Sample(Vec2 p, double lineHalfWidth)
    {
        int i = Nearest(_xs, p.X), j = Nearest(_ys, p.Y);
        double dx = Math.Abs(p.X - _xs[i]), dy = Math.Abs(p.Y - _ys[j]);
        if (dx <= BoxHalf && dy <= BoxHalf)
        {
            bool kerb = dx > RoadHalfWidth && dy > RoadHalfWidth &&
                        (new Vec2(BoxHalf - dx, BoxHalf - dy)).LengthSquared < KerbRadius * KerbRadius;
            return new RoadSample(!kerb, false, -1, 0);
        }
        if (dy <= RoadHalfWidth && OnLink(_xs, p.X, j, east: true))
            return Lane(p.Y - _ys[j], p.X, 0, lineHalfWidth);
        if (dx <= RoadHalfWidth && OnLink(_ys, p.Y, i, east: false))
            return Lane(p.X - _xs[i], p.Y, 1, lineHalfWidth);
        return new RoadSample(false, false, -1, 0);
    }

    private bool OnLink(double[] lines, double v, int other, bool east)
    {
        int a = Array.BinarySearch(lines, v);
        if (a < 0) a = ~a - 1;
        if (a < 0 || a + 1 >= lines.Length) return false;
        if (v < lines[a] + BoxHalf || v > lines[a + 1] - BoxHalf) return false;
        return east ? _eastLink[a, other] : _northLink[other, a];
    }

    private static RoadSample Lane(double offset, double along, int axis, double half)
    {
        double o = Math.Abs(offset);
        bool centre = o < half;
        bool divider = Math.Abs(o - LaneWidth) < half && (along % 6.0 + 6.0) % 6.0 < 3.0;
        bool edge = Math.Abs(o - (RoadHalfWidth - 0.3)) < half;
        return new RoadSample(true, centre || divider || edge, axis, offset);
    }

    private static int Nearest(double[] lines, double v)
    {
        int best = 0;
        for (int i = 1; i < lines.Length; i++)
            if (Math.Abs(v - lines[i]) < Math.Abs(v - lines[best])) best = i;
        return best;
    }

    // Lateral offset of lane `lane` when travelling along direction d (right-hand traffic).
    private static Vec2 LaneOffset(int d, int lane) => (LaneWidth * (lane + 0.5)) * Units[d].Right;

    private void BuildLaneGraph()
    {
        int n = IntersectionCount;
        for (int k = 0; k < n; k++)
            for (int d = 0; d < 4; d++)
                for (int l = 0; l < LanesPerDirection; l++)
                {
                    _roadEdge[k, d, l] = -1;
                    int b = Neighbour(k, d);
                    if (b < 0) continue;
                    var u = Units[d];
                    var start = Centre(k) + BoxHalf * u + LaneOffset(d, l);
                    var end = Centre(b) - BoxHalf * u + LaneOffset(d, l);
                    _roadEdge[k, d, l] = _edges.Count;
                    _edges.Add(new LaneEdge(_edges.Count, false, b, d, l, DrivingCommand.Follow,
                        new Polyline([start, end])));
                }
        int roads = _edges.Count;
        for (int r = 0; r < roads; r++)
        {
            var road = _edges[r];
            int b = road.Intersection, d = road.Direction, l = road.Lane;
            foreach (var turn in Movements(b, d, l))
            {
                int e = turn switch { DrivingCommand.Left => (d + 1) % 4, DrivingCommand.Right => (d + 3) % 4, _ => d };
                var connector = new LaneEdge(_edges.Count, true, b, d, l, turn, ConnectorPath(b, d, e, l));
                connector.Successors.Add(_roadEdge[b, e, l]);
                road.Successors.Add(connector.Index);
                _edges.Add(connector);
            }
        }
    }

    // Inner lanes go straight or left, outer lanes straight or right; where neither exists the other turn is allowed.
    private List<DrivingCommand> Movements(int b, int d, int lane)
    {
        bool straight = Neighbour(b, d) >= 0, left = Neighbour(b, (d + 1) % 4) >= 0,
            right = Neighbour(b, (d + 3) % 4) >= 0;
        var moves = new List<DrivingCommand>();
        if (straight) moves.Add(DrivingCommand.Straight);
        if (lane == 0 && left) moves.Add(DrivingCommand.Left);
        if (lane == 1 && right) moves.Add(DrivingCommand.Right);
        if (moves.Count == 0 && left) moves.Add(DrivingCommand.Left);
        if (moves.Count == 0 && right) moves.Add(DrivingCommand.Right);
        return moves;
    }

    private Polyline ConnectorPath(int b, int d, int e, int lane)
    {
        var p = Centre(b) - BoxHalf * Units[d] + LaneOffset(d, lane);
        var q = Centre(b) + BoxHalf * Units[e] + LaneOffset(e, lane);
        if (d == e) return new Polyline([p, q]);
        bool left = e == (d + 1) % 4;
        double radius = (q - p).Dot(Units[d]);
        var centre = p + radius * (left ? Units[d].Left : Units[d].Right);
        double a0 = Math.Atan2(p.Y - centre.Y, p.X - centre.X), sweep = left ? Math.PI / 2 : -Math.PI / 2;
        int pieces = Math.Max(8, (int)Math.Ceiling(radius * Math.PI / 2 / 0.75));
        var points = new List<Vec2>(pieces + 1);
        for (int s = 0; s <= pieces; s++)
        {
            double a = a0 + sweep * s / pieces;
            points.Add(centre + radius * Vec2.FromAngle(a));
        }
        return new Polyline(points);
    }
}
