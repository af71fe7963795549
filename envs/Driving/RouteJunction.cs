namespace Qail.Envs.Driving;

/// <summary>One intersection crossed by a route.</summary>
/// <param name="Intersection">Intersection index in the town.</param>
/// <param name="Direction">Travel direction when entering (the approach whose light applies).</param>
/// <param name="Turn">Manoeuvre through the box.</param>
/// <param name="StopLine">Route arc length (metres) at the stop line, where the box starts.</param>
/// <param name="Exit">Route arc length where the box ends.</param>
public sealed record RouteJunction(int Intersection, int Direction, DrivingCommand Turn, double StopLine, double Exit);
