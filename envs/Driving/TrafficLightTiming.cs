namespace Qail.Envs.Driving;

/// <summary>
/// Two-phase signal timing: east-west travel, then north-south travel, each <paramref name="Green"/> then
/// <paramref name="Yellow"/> seconds.
/// </summary>
public sealed record TrafficLightTiming(double Green, double Yellow)
{
    /// <summary>One phase's share of the cycle.</summary>
    public double Slot => Green + Yellow;

    /// <summary>Full cycle (both phases).</summary>
    public double Cycle => 2 * Slot;
}
