namespace Qail.Envs.Driving;

/// <summary>Signal shown to one approach of an intersection.</summary>
public enum TrafficLightState
{
    /// <summary>Go.</summary>
    Green,

    /// <summary>Stop if it can be done comfortably; crossing the stop line on yellow is legal.</summary>
    Yellow,

    /// <summary>Stop; crossing the stop line is a red-light infraction.</summary>
    Red,
}
