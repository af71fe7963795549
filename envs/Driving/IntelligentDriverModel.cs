namespace Qail.Envs.Driving;

/// <summary>
/// The intelligent driver model (Treiber, Hennecke and Helbing 2000): a = a_max [1 - (v / v0)^4 - (s* / s)^2],
/// s* = s0 + v T + v dv / (2 sqrt(a_max b)), with s the bumper-to-bumper gap and dv the closing speed.
/// </summary>
/// <param name="DesiredSpeed">v0, m/s.</param>
/// <param name="MaxAcceleration">a_max, m/s^2.</param>
/// <param name="ComfortableDeceleration">b, m/s^2.</param>
/// <param name="MinimumGap">s0, metres.</param>
/// <param name="TimeHeadway">T, seconds.</param>
public sealed record IntelligentDriverModel(double DesiredSpeed, double MaxAcceleration = 2.0,
    double ComfortableDeceleration = 3.0,
    double MinimumGap = 2.0, double TimeHeadway = 1.2)
{
    /// <summary>Strongest braking the model asks for, m/s^2.</summary>
    public const double EmergencyDeceleration = 9.0;

    /// <summary>
    /// Acceleration at speed <paramref name="v"/> behind an obstacle <paramref name="gap"/> metres ahead moving at
    /// <paramref name="leaderSpeed"/> (infinite gap: free road).
    /// </summary>
    public double Acceleration(double v, double gap, double leaderSpeed)
    {
        double free = 1 - Math.Pow(v / DesiredSpeed, 4);
        if (double.IsPositiveInfinity(gap)) return MaxAcceleration * free;
        double dv = v - leaderSpeed;
        double desired = MinimumGap + Math.Max(0,
            v * TimeHeadway + v * dv / (2 * Math.Sqrt(MaxAcceleration * ComfortableDeceleration)));
        double s = Math.Max(gap, 0.1);
        double a = MaxAcceleration * (free - desired * desired / (s * s));
        return Math.Max(a, -EmergencyDeceleration);
    }
}
