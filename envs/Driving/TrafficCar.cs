namespace Qail.Envs.Driving;

/// <summary>
/// A background car that follows lane centrelines through the lane graph, choosing its turns at random.
/// </summary>
public sealed class TrafficCar
{
    private readonly List<int> _ahead = [];

    /// <summary>
    /// Places a car <paramref name="s"/> metres along lane-graph edge <paramref name="edge"/>, at rest.
    /// </summary>
    public TrafficCar(Town town, int edge, double s, IntelligentDriverModel driver, SplitMix64 rng)
    {
        Edge = edge;
        S = s;
        Driver = driver;
        Extend(town, rng);
    }

    /// <summary>The lane-graph edge the car is on.</summary>
    public int Edge { get; private set; }

    /// <summary>Arc length along <see cref="Edge"/>, metres.</summary>
    public double S { get; private set; }

    /// <summary>Speed, m/s.</summary>
    public double Speed { get; private set; }

    /// <summary>The car's speed law.</summary>
    public IntelligentDriverModel Driver { get; }

    /// <summary>The edges it will take next.</summary>
    public IReadOnlyList<int> Ahead => _ahead;

    /// <summary>Centre of the car body.</summary>
    public Vec2 Position(Town town) => town.Edges[Edge].Path.PointAt(S);

    /// <summary>Heading, radians.</summary>
    public double Heading(Town town) => town.Edges[Edge].Path.HeadingAt(S);

    /// <summary>Footprint for collision checks.</summary>
    public OrientedBox Box(Town town) => new(Position(town), Heading(town), VehiclePose.Length, VehiclePose.Width);

    /// <summary>
    /// Writes points (and tangent headings) along the car's future path, <paramref name="spacing"/> metres apart,
    /// starting at its centre.
    /// </summary>
    public void SampleAhead(Town town, Span<Vec2> points, Span<double> headings, double spacing)
    {
        int edge = Edge, next = 0;
        double s = S;
        for (int k = 0; k < points.Length; k++)
        {
            var path = town.Edges[edge].Path;
            while (s > path.Length && next < _ahead.Count)
            {
                s -= path.Length;
                edge = _ahead[next++];
                path = town.Edges[edge].Path;
            }
            points[k] = path.PointAt(s);
            headings[k] = path.HeadingAt(s);
            s += spacing;
        }
    }

    /// <summary>
    /// Integrates one step of <paramref name="dt"/> seconds at constant acceleration <paramref name="accel"/> (speed
    /// never negative).
    /// </summary>
    public void Advance(Town town, double accel, double dt, SplitMix64 rng)
    {
        double v1 = Math.Max(0, Speed + accel * dt);
        double distance = accel < 0 && v1 == 0 ? Speed * Speed / (-2 * accel) : 0.5 * (Speed + v1) * dt;
        Speed = v1;
        S += distance;
        while (S > town.Edges[Edge].Path.Length)
        {
            S -= town.Edges[Edge].Path.Length;
            Edge = _ahead[0];
            _ahead.RemoveAt(0);
            Extend(town, rng);
        }
    }

    // Keeps at least two edges queued so look-ahead always covers the next intersection.
    private void Extend(Town town, SplitMix64 rng)
    {
        while (_ahead.Count < 3)
        {
            var successors = town.Edges[_ahead.Count == 0 ? Edge : _ahead[^1]].Successors;
            _ahead.Add(successors[successors.Count == 1 ? 0 : rng.NextInt(successors.Count)]);
        }
    }
}
