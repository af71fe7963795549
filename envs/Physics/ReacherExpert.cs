namespace Qail.Envs.Physics;

/// <summary>
/// Reacher expert (closed form): inverse kinematics for the target (the elbow branch nearer the current pose), then
/// computed-torque PD control (M(q) (Kp e - Kd q') + c(q, q') + damping compensation), saturated at the torque limit.
/// </summary>
public sealed class ReacherExpert(Reacher env) : IExpert
{
    private const double Kp = 150, Kd = 25;

    /// <inheritdoc/>
    public float[] Act(IEnv caller)
    {
        if (!ReferenceEquals(caller, env))
            throw new ArgumentException($"ReacherExpert: bound to another {env.Name} instance.", nameof(caller));
        var x = env.PhysicalState;
        var (tx, ty) = env.Target;
        double l = Reacher.LinkLength;
        double cos2 = Math.Clamp((tx * tx + ty * ty - 2 * l * l) / (2 * l * l), -1.0, 1.0);
        double best = double.PositiveInfinity, g1 = 0, g2 = 0;
        foreach (double elbow in (ReadOnlySpan<double>)[Math.Acos(cos2), -Math.Acos(cos2)])
        {
            double s1 = Math.Atan2(ty, tx) - Math.Atan2(l * Math.Sin(elbow), l + l * Math.Cos(elbow));
            double e1 = Angles.Wrap(s1 - x[0]), e2 = Angles.Wrap(elbow - x[1]), d = e1 * e1 + e2 * e2;
            if (d < best) (best, g1, g2) = (d, e1, e2);
        }
        var (m11, m12, m22) = Reacher.MassMatrix(x[1]);
        var (c1, c2) = Reacher.Coriolis(x[1], x[2], x[3]);
        double a1 = Kp * g1 - Kd * x[2], a2 = Kp * g2 - Kd * x[3];
        double t1 = m11 * a1 + m12 * a2 + c1 + Reacher.Damping * x[2];
        double t2 = m12 * a1 + m22 * a2 + c2 + Reacher.Damping * x[3];
        return [(float)Math.Clamp(t1 / Reacher.MaxTorque, -1.0, 1.0),
            (float)Math.Clamp(t2 / Reacher.MaxTorque, -1.0, 1.0)];
    }
}
