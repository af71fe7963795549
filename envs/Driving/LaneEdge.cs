namespace Qail.Envs.Driving;

/// <summary>
/// One edge of the lane graph: either a road lane between two intersections (ending at the stop line of
/// <see cref="Intersection"/>) or a connector through the box of <see cref="Intersection"/>.
/// </summary>
/// <param name="Index">Position in <see cref="Town.Edges"/>.</param>
/// <param name="IsConnector">True for a path through an intersection box.</param>
/// <param name="Intersection">Intersection the road lane leads into, or that the connector crosses.</param>
/// <param name="Direction">Travel direction on entry (0 east, 1 north, 2 west, 3 south).</param>
/// <param name="Lane">0 for the inner lane (next to the centre line), 1 for the outer lane.</param>
/// <param name="Turn">The connector's manoeuvre; <see cref="DrivingCommand.Follow"/> for road lanes.</param>
/// <param name="Path">Lane centreline.</param>
public sealed record LaneEdge(int Index, bool IsConnector, int Intersection, int Direction, int Lane,
    DrivingCommand Turn, Polyline Path)
{
    /// <summary>Edges a vehicle may continue onto from the end of this one.</summary>
    public List<int> Successors { get; } = [];
}
