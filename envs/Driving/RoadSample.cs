namespace Qail.Envs.Driving;

/// <summary>What lies at one point of the town (see <see cref="Town.Sample"/>).</summary>
/// <param name="Paved">On the road or in an intersection box.</param>
/// <param name="Marking">On a lane marking.</param>
/// <param name="Axis">Road axis on a road segment (0 east-west, 1 north-south); -1 in a box or off road.</param>
/// <param name="Offset">Signed lateral offset from the centre line (y - row, or x - column), metres.</param>
public readonly record struct RoadSample(bool Paved, bool Marking, int Axis, double Offset);
