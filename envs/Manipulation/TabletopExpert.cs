namespace Qail.Envs.Manipulation;

/// <summary>
/// Scripted planner with privileged state. Each call looks at the first goal that does not hold yet and acts
/// reactively: for put/stack goals approach above the object at a safe height, descend, grasp, lift, carry above the
/// target, descend and release; for push goals close the jaws, go down behind the object on the line to its goal spot
/// and push it there, re-approaching when it slips off the line. Small Gaussian noise (seeded by the episode seed and
/// step, so a replay gives the same bits) perturbs the horizontal motion.
/// </summary>
public sealed class TabletopExpert : IExpert
{
    private const double Step = TabletopEnv.MaxStepMetres;
    // Horizontal error under which the gripper descends (correcting as it goes), and under which the jaws act. Both
    // are well inside the grasp tolerance and the bowl's floor, so the plan survives noise of several millimetres a
    // step.
    private const double Near = 0.02;
    private const double Aligned = 0.008;
    private const double PushHeight = 0.01;
    private const double PushSpeed = 0.02;

    /// <summary>
    /// An expert for <paramref name="env"/> with horizontal noise of standard deviation <paramref name="noise"/> metres
    /// per step.
    /// </summary>
    public TabletopExpert(TabletopEnv env, double noise = 0.0015)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (!(noise >= 0 && noise <= 0.01))
            throw new ArgumentOutOfRangeException(nameof(noise), $"TabletopExpert: noise {noise} outside [0, 0.01] m.");
        Env = env;
        Noise = noise;
    }

    /// <summary>The env this expert controls.</summary>
    public TabletopEnv Env { get; }

    /// <summary>Standard deviation of the horizontal motion noise, metres per step.</summary>
    public double Noise { get; }

    /// <inheritdoc/>
    public float[] Act(IEnv env)
    {
        if (!ReferenceEquals(env, Env))
            throw new ArgumentException(
                $"TabletopExpert.Act: this expert is bound to another env instance ({Env.Name}).", nameof(env));
        var scene = Env.Scene;
        var goal = Env.Task.Goals.FirstOrDefault(g => !g.IsSatisfiedBy(scene));
        double[] a = goal is null ? [0, 0, Step, -1]
            : goal.Relation is GoalRelation.LeftOf or GoalRelation.RightOf
                ? Push(scene, goal) : PickAndPlace(scene, goal);
        var rng = SplitMix64.Derive(Env.EpisodeSeed, 0xE8E47L << 20 | (uint)Env.StepCount);
        a[0] += Noise * rng.NextGaussian();
        a[1] += Noise * rng.NextGaussian();
        return [Limit(a[0]), Limit(a[1]), Limit(a[2]), (float)a[3]];
    }

    private static float Limit(double v) => (float)Math.Clamp(v, -Step, Step);

    // Fingertip height clear of every stack on the table (plus what hangs below the fingertips when holding).
    private static double SafeHeight(Tabletop scene)
    {
        double top = 0;
        for (int i = 0; i < scene.Objects.Count; i++)
            if (scene.Objects[i].Support == Tabletop.OnTable) top = Math.Max(top, scene.StackTop(i));
        return Math.Max(0.08, top + 0.03 + (scene.Held >= 0 ? scene.HeldOffset.Z : 0));
    }

    private static double Error(Tabletop scene, double x, double y) =>
        Math.Sqrt((x - scene.GripperX) * (x - scene.GripperX) + (y - scene.GripperY) * (y - scene.GripperY));

    // Moves to (x, y) at the safe height first, then returns null once near above it so the caller can descend.
    private static double[]? Travel(Tabletop scene, double x, double y, double grip)
    {
        double ex = x - scene.GripperX, ey = y - scene.GripperY;
        if (Math.Sqrt(ex * ex + ey * ey) <= Near) return null;
        double safe = SafeHeight(scene);
        if (scene.GripperZ < safe - 0.005) return [0, 0, safe - scene.GripperZ, grip];
        return [ex, ey, safe - scene.GripperZ, grip];
    }

    private static double[] PickAndPlace(Tabletop scene, TaskGoal goal)
    {
        var obj = scene.Objects[goal.Object];
        if (scene.Held == goal.Object)
        {
            var target = scene.Objects[goal.Target];
            var (ox, oy, oz) = scene.HeldOffset;
            double gx = target.X - ox, gy = target.Y - oy;
            if (Travel(scene, gx, gy, 1) is { } carry) return carry;
            double release = scene.SurfaceUnder(target.X, target.Y, obj.Radius, goal.Object).Height + oz + 0.005;
            if (scene.GripperZ > release + 0.003 || Error(scene, gx, gy) > Aligned)
                return [gx - scene.GripperX, gy - scene.GripperY, release - scene.GripperZ, 1];
            return [0, 0, 0, -1];
        }
        // Holding the wrong thing, or jaws closed on nothing: open first.
        if (scene.Held >= 0 || !scene.GripperOpen) return [0, 0, 0, -1];
        if (Travel(scene, obj.X, obj.Y, -1) is { } approach) return approach;
        double grasp = obj.Base + (obj.Kind == ObjectKind.Bowl ? 0.6 : 0.5) * obj.Height;
        if (scene.GripperZ > grasp + 0.003 || Error(scene, obj.X, obj.Y) > Aligned)
            return [obj.X - scene.GripperX, obj.Y - scene.GripperY, grasp - scene.GripperZ, -1];
        return [0, 0, 0, 1];
    }

    private static double[] Push(Tabletop scene, TaskGoal goal)
    {
        if (scene.Held >= 0) return [0, 0, 0, -1];
        var obj = scene.Objects[goal.Object];
        var (tx, ty) = goal.SideTarget(scene);
        double vx = tx - obj.X, vy = ty - obj.Y, distance = Math.Sqrt(vx * vx + vy * vy);
        if (distance < 1e-4) return [0, 0, Step, 1];
        double ux = vx / distance, uy = vy / distance;
        double contact = obj.Radius + Tabletop.GripperRadius;
        double px = obj.X - ux * contact, py = obj.Y - uy * contact;
        double qx = obj.X - ux * (contact + 0.025), qy = obj.Y - uy * (contact + 0.025);
        double g2p = Error(scene, px, py), g2q = Error(scene, qx, qy);
        bool low = scene.GripperZ <= PushHeight + 0.005;
        if (low && g2p < 0.015)
        {
            // In contact on the line: aim a little into the object along the line, correcting sideways drift.
            double advance = Math.Min(PushSpeed, distance);
            return [px + ux * advance - scene.GripperX, py + uy * advance - scene.GripperY,
                PushHeight - scene.GripperZ, 1];
        }
        if (low && g2q < 0.015) return [px - scene.GripperX, py - scene.GripperY, PushHeight - scene.GripperZ, 1];
        if (g2q <= Aligned) return [qx - scene.GripperX, qy - scene.GripperY, PushHeight - scene.GripperZ, 1];
        if (low) return [0, 0, Step, 1];
        return Travel(scene, qx, qy, 1) ?? [qx - scene.GripperX, qy - scene.GripperY, 0, 1];
    }
}
