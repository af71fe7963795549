namespace Qail.Envs.Driving;

/// <summary>High-level route command, CARLA style; the integer value is the observation's command index.</summary>
public enum DrivingCommand
{
    /// <summary>Follow the current lane (no intersection close ahead).</summary>
    Follow = 0,

    /// <summary>Turn left at the next intersection.</summary>
    Left = 1,

    /// <summary>Turn right at the next intersection.</summary>
    Right = 2,

    /// <summary>Go straight through the next intersection.</summary>
    Straight = 3,
}
