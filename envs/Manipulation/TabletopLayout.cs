namespace Qail.Envs.Manipulation;

/// <summary>
/// Draws a task's initial scene: object positions (rejection-sampled so footprints keep a clearance, stay on the table
/// and leave the push paths of push goals free) and the gripper's start above the robot's side of the table.
/// </summary>
public static class TabletopLayout
{
    /// <summary>Least gap between two footprints in an initial layout, metres.</summary>
    public const double Clearance = 0.03;

    private const int MaxTries = 20000;

    /// <summary>A fresh scene for <paramref name="task"/> drawn from <paramref name="rng"/>.</summary>
    /// <exception cref="InvalidOperationException">No valid layout was found in the bounded number of
    /// tries.</exception>
    public static Tabletop Sample(ManipulationTask task, SplitMix64 rng)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(rng);
        int n = task.Objects.Count;
        if (task.Nominal is not null && task.Nominal.Count != n)
            throw new ArgumentException($"TabletopLayout: {task.Nominal.Count} nominal positions for {n} objects.",
                nameof(task));
        var radius = task.Objects.Select(o => new TabletopObject(o.Kind, o.Colour).Radius).ToArray();
        var xy = new (double X, double Y)[n];
        for (int attempt = 0; attempt < MaxTries; attempt++)
        {
            for (int i = 0; i < n; i++)
            {
                if (task.Nominal is { } nominal)
                    xy[i] = (nominal[i].X + rng.Uniform(-task.Jitter, task.Jitter),
                        nominal[i].Y + rng.Uniform(-task.Jitter, task.Jitter));
                else
                {
                    double limit = Tabletop.HalfSize - radius[i] - 0.01;
                    xy[i] = (rng.Uniform(-limit, limit), rng.Uniform(-limit, limit));
                }
            }
            if (!IsValid(task, xy, radius)) continue;
            var table = new Tabletop(rng.Uniform(-0.03, 0.03), rng.Uniform(-0.23, -0.17), 0.15);
            for (int i = 0; i < n; i++) table.Add(task.Objects[i].Kind, task.Objects[i].Colour, xy[i].X, xy[i].Y);
            return table;
        }
        throw new InvalidOperationException(
            $"TabletopLayout: no valid layout for '{task.Instruction}' in {MaxTries} tries.");
    }

    /// <summary>
    /// Whether positions keep the clearance, stay on the table, and leave every push goal a free straight path.
    /// </summary>
    public static bool IsValid(ManipulationTask task, ReadOnlySpan<(double X, double Y)> xy,
        ReadOnlySpan<double> radius)
    {
        ArgumentNullException.ThrowIfNull(task);
        int n = xy.Length;
        for (int i = 0; i < n; i++)
        {
            double limit = Tabletop.HalfSize - radius[i] - 0.01;
            if (Math.Abs(xy[i].X) > limit || Math.Abs(xy[i].Y) > limit) return false;
            for (int j = i + 1; j < n; j++)
                if (Distance(xy[i], xy[j]) < radius[i] + radius[j] + Clearance) return false;
        }
        foreach (var goal in task.Goals)
        {
            if (goal.Relation is not (GoalRelation.LeftOf or GoalRelation.RightOf)) continue;
            int o = goal.Object;
            double sign = goal.Relation == GoalRelation.LeftOf ? -1 : 1;
            var target = (X: xy[goal.Target].X + sign * (radius[o] + radius[goal.Target] + TaskGoal.SideGap),
                xy[goal.Target].Y);
            double limit = Tabletop.HalfSize - radius[o] - 0.01;
            if (Math.Abs(target.X) > limit || Math.Abs(target.Y) > limit) return false;
            double length = Distance(xy[o], target);
            if (length < 0.08) return false;
            double ux = (target.X - xy[o].X) / length, uy = (target.Y - xy[o].Y) / length;
            double back = radius[o] + Tabletop.GripperRadius + 0.03;
            var prePush = (X: xy[o].X - ux * back, Y: xy[o].Y - uy * back);
            double gripperLimit = Tabletop.HalfSize - Tabletop.GripperRadius;
            if (Math.Abs(prePush.X) > gripperLimit || Math.Abs(prePush.Y) > gripperLimit) return false;
            for (int k = 0; k < n; k++)
            {
                if (k == o) continue;
                if (SegmentDistance(xy[k], xy[o], target) < radius[o] + radius[k] + 0.01) return false;
                if (SegmentDistance(xy[k], prePush, xy[o]) < Tabletop.GripperRadius + radius[k] + 0.01) return false;
            }
        }
        return true;
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) =>
        Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    private static double SegmentDistance((double X, double Y) p, (double X, double Y) a, (double X, double Y) b)
    {
        double vx = b.X - a.X, vy = b.Y - a.Y, l2 = vx * vx + vy * vy;
        double t = l2 > 0 ? Math.Clamp(((p.X - a.X) * vx + (p.Y - a.Y) * vy) / l2, 0, 1) : 0;
        return Distance(p, (a.X + t * vx, a.Y + t * vy));
    }
}
