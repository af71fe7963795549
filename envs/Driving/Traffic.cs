namespace Qail.Envs.Driving;

/// <summary>
/// The background cars of an episode and the rules every driver (background cars and the expert) applies:
/// follow the car ahead on one's own path with the intelligent driver model, stop at red (and at yellow when that
/// is comfortable), and do not enter a box that a car from another approach still occupies.
/// </summary>
public sealed class Traffic
{
    /// <summary>How far ahead a driver looks for a leader, metres.</summary>
    public const double LookAhead = 40.0;

    /// <summary>A vehicle closer than this to one's path counts as being on it, metres.</summary>
    public const double PathHalfWidth = 1.8;

    /// <summary>
    /// Only vehicles heading within this angle of one's path are followed (others are crossing), radians.
    /// </summary>
    public const double FollowAngle = Math.PI / 3;

    /// <summary>Deceleration a driver accepts to stop for a yellow light, m/s^2.</summary>
    public const double YellowStopDeceleration = 3.5;

    private const int Samples = (int)LookAhead + 1;
    private readonly List<TrafficCar> _cars = [];
    private readonly Vec2[] _points = new Vec2[Samples];
    private readonly double[] _headings = new double[Samples];
    private double[] _accel = [];

    /// <summary>The background cars.</summary>
    public IReadOnlyList<TrafficCar> Cars => _cars;

    /// <summary>
    /// Replaces the cars with up to <paramref name="count"/> new ones at rest on random road lanes, at least 10 m from
    /// each other and 15 m from <paramref name="keepClear"/> (the ego's start); fewer only when the town is too full.
    /// </summary>
    public void Spawn(Town town, int count, Vec2 keepClear, SplitMix64 rng)
    {
        _cars.Clear();
        var roads = town.Edges.Where(e => !e.IsConnector).ToArray();
        var placed = new List<Vec2>();
        for (int attempt = 0; attempt < 20 * count && _cars.Count < count; attempt++)
        {
            var road = roads[rng.NextInt(roads.Length)];
            double s = rng.Uniform(8, road.Path.Length - 8);
            var p = road.Path.PointAt(s);
            if ((p - keepClear).LengthSquared < 15 * 15 || placed.Any(q => (p - q).LengthSquared < 10 * 10)) continue;
            placed.Add(p);
            _cars.Add(new TrafficCar(town, road.Index, s, new IntelligentDriverModel(rng.Uniform(6.5, 9.0)), rng));
        }
        _accel = new double[_cars.Count];
    }

    /// <summary>
    /// Adds a car at rest <paramref name="s"/> metres along lane-graph edge <paramref name="edge"/> (for constructed
    /// scenarios).
    /// </summary>
    public TrafficCar Place(Town town, int edge, double s, IntelligentDriverModel driver, SplitMix64 rng)
    {
        ArgumentNullException.ThrowIfNull(town);
        if ((uint)edge >= (uint)town.Edges.Count)
            throw new ArgumentException($"Traffic.Place: edge {edge} outside 0..{town.Edges.Count - 1}.", nameof(edge));
        if (!(s >= 0 && s <= town.Edges[edge].Path.Length))
            throw new ArgumentException(
                $"Traffic.Place: s = {s} outside the edge's 0..{town.Edges[edge].Path.Length:F1} m.", nameof(s));
        var car = new TrafficCar(town, edge, s, driver, rng);
        _cars.Add(car);
        _accel = new double[_cars.Count];
        return car;
    }

    /// <summary>
    /// Advances every car by <paramref name="dt"/> seconds; decisions use the state at time <paramref name="time"/>
    /// (all cars decide, then all move).
    /// </summary>
    public void Step(Town town, double time, double dt, VehiclePose ego, SplitMix64 rng)
    {
        for (int i = 0; i < _cars.Count; i++)
        {
            var car = _cars[i];
            car.SampleAhead(town, _points, _headings, 1.0);
            var (gap, leaderSpeed) = LeaderGap(town, _points, _headings, i, ego);
            var edge = town.Edges[car.Edge];
            double stop = edge.IsConnector
                ? edge.Turn == DrivingCommand.Left
                    ? LeftTurnYieldGap(town, edge.Intersection, edge.Direction, car.S, time, i, ego)
                    : double.PositiveInfinity
                : StopLineGap(town, edge.Intersection, edge.Direction, edge.Path.Length - car.S,
                    town.Edges[car.Ahead[0]].Path.Length,
                    car.Speed, gap, leaderSpeed, time, i, ego);
            if (stop < gap) (gap, leaderSpeed) = (stop, 0);
            _accel[i] = car.Driver.Acceleration(car.Speed, gap, leaderSpeed);
        }
        for (int i = 0; i < _cars.Count; i++) _cars[i].Advance(town, _accel[i], dt, rng);
    }

    /// <summary>
    /// Bumper-to-bumper gap to the nearest vehicle on the sampled path (1 m spacing from the driver's centre) and its
    /// speed; +infinity when the path is clear. <paramref name="self"/> is the driver's car index, -1 for the ego. The
    /// ego blocks background cars at any heading; other cars count when heading along the path, or at any heading
    /// within
    /// <paramref name="crossingRange"/> metres (an imminent crash).
    /// </summary>
    public (double Gap, double Speed) LeaderGap(Town town, ReadOnlySpan<Vec2> points, ReadOnlySpan<double> headings,
        int self, VehiclePose ego,
        double crossingRange = 8.0)
    {
        double best = double.PositiveInfinity, speed = 0;
        var origin = points[0];
        for (int j = -1; j < _cars.Count; j++)
        {
            if (j == self) continue;
            Vec2 p;
            double heading, v;
            if (j < 0) { p = ego.Centre; heading = ego.Heading; v = ego.Speed; }
            else { p = _cars[j].Position(town); heading = _cars[j].Heading(town); v = _cars[j].Speed; }
            if ((p - origin).LengthSquared > (LookAhead + 3) * (LookAhead + 3)) continue;
            for (int k = 1; k < points.Length && k - VehiclePose.Length < best; k++)
            {
                if ((p - points[k]).LengthSquared > PathHalfWidth * PathHalfWidth) continue;
                bool follows = j < 0 || k <= crossingRange
                    || Math.Abs(Headings.Difference(heading, headings[k])) < FollowAngle;
                if (!follows) continue;
                best = Math.Max(0, k - VehiclePose.Length);
                speed = v;
                break;
            }
        }
        return (best, speed);
    }

    /// <summary>
    /// Gap to the stop line of intersection <paramref name="k"/> (entered in direction <paramref name="direction"/>,
    /// <paramref name="distance"/> metres from the driver's centre, box path <paramref name="boxLength"/> metres) when
    /// the driver must stop there, else +infinity: red; yellow while a stop at <see cref="YellowStopDeceleration"/> is
    /// still possible; and, while a stop is still possible, a crossing car in the box or a slow leader
    /// (<paramref name="leaderGap"/>, <paramref name="leaderSpeed"/>) leaving no room beyond the box (do not block the
    /// box).
    /// </summary>
    public double StopLineGap(Town town, int k, int direction, double distance, double boxLength, double speed,
        double leaderGap, double leaderSpeed, double time, int self, VehiclePose ego)
    {
        if (distance > LookAhead) return double.PositiveInfinity;
        double gap = distance - VehiclePose.Length / 2;
        var light = town.Light(k, direction, time);
        bool comfortable = gap >= speed * speed / (2 * YellowStopDeceleration);
        bool possible = gap >= speed * speed / (2 * IntelligentDriverModel.EmergencyDeceleration);
        bool noRoom = leaderSpeed < 2.0 && leaderGap < gap + boxLength + VehiclePose.Length + 1.0;
        bool stop = light == TrafficLightState.Red
                    || (light == TrafficLightState.Yellow && comfortable)
                    || (possible && (noRoom || BoxBlocked(town, k, direction, self, ego)));
        return stop ? Math.Max(0, gap) : double.PositiveInfinity;
    }

    /// <summary>
    /// For a driver turning left in box <paramref name="k"/>, <paramref name="travelled"/> metres past the stop line:
    /// the gap to its yield point (<see cref="LeftTurnYield"/> metres in, clear of oncoming lanes) while oncoming
    /// traffic has priority, else +infinity. Drivers wait there, as in real junctions, and finish the turn in a gap or
    /// when the oncoming flow stops for its light.
    /// </summary>
    public double LeftTurnYieldGap(Town town, int k, int direction, double travelled, double time, int self,
        VehiclePose ego)
    {
        if (travelled >= LeftTurnYield || !OncomingTraffic(town, k, direction, time, self, ego))
            return double.PositiveInfinity;
        return LeftTurnYield - travelled + 2.0;
    }

    /// <summary>Where a left-turner waits for oncoming traffic, metres along its path past the stop line.</summary>
    public const double LeftTurnYield = 3.5;

    /// <summary>
    /// True when a vehicle other than <paramref name="self"/> is in box <paramref name="k"/> crossing the path of
    /// traffic entering in direction <paramref name="direction"/>: heading between 20 and 160 degrees away (oncoming
    /// cars going straight or turning right keep clear of one's path and do not count).
    /// </summary>
    public bool BoxBlocked(Town town, int k, int direction, int self, VehiclePose ego)
    {
        var centre = town.Centre(k);
        double heading = DirectionHeading(direction);
        for (int j = -1; j < _cars.Count; j++)
        {
            if (j == self) continue;
            Vec2 p = j < 0 ? ego.Centre : _cars[j].Position(town);
            if (Math.Abs(p.X - centre.X) > Town.BoxHalf || Math.Abs(p.Y - centre.Y) > Town.BoxHalf) continue;
            double diff = Math.Abs(Headings.Difference(j < 0 ? ego.Heading : _cars[j].Heading(town), heading));
            if (diff > 20 * Math.PI / 180 && diff < 160 * Math.PI / 180) return true;
        }
        return false;
    }

    /// <summary>
    /// True when oncoming traffic (entering <paramref name="k"/> in the direction opposite
    /// <paramref name="direction"/>) that will not turn left is in the box or reaches it within
    /// <see cref="LeftTurnGap"/> seconds (unless it faces a light it can comfortably stop for), so a left turn must
    /// wait. The ego's intention is unknown to other drivers and taken as straight on.
    /// </summary>
    public bool OncomingTraffic(Town town, int k, int direction, double time, int self, VehiclePose ego)
    {
        int oncoming = (direction + 2) % 4;
        var centre = town.Centre(k);
        var u = Town.Unit(oncoming);
        for (int j = -1; j < _cars.Count; j++)
        {
            if (j == self) continue;
            double distance, speed;
            if (j < 0)
            {
                if (Math.Abs(Headings.Difference(ego.Heading, DirectionHeading(oncoming))) > Math.PI / 4) continue;
                var q = ego.Centre - centre;
                double lateral = q.Dot(u.Right);
                if (lateral < 0 || lateral > Town.RoadHalfWidth + 0.5) continue;
                distance = Math.Max(0, -q.Dot(u) - Town.BoxHalf);
                if (-q.Dot(u) < -Town.BoxHalf) continue;
                speed = ego.Speed;
            }
            else
            {
                var car = _cars[j];
                var edge = town.Edges[car.Edge];
                if (edge.Intersection != k || edge.Direction != oncoming) continue;
                var move = edge.IsConnector ? edge.Turn : town.Edges[car.Ahead[0]].Turn;
                if (move == DrivingCommand.Left) continue;
                if (edge.IsConnector)
                {
                    if (move == DrivingCommand.Straight) return true;
                    continue;
                }
                distance = edge.Path.Length - car.S;
                speed = car.Speed;
            }
            bool stops = town.Light(k, oncoming, time) != TrafficLightState.Green
                         && distance - VehiclePose.Length / 2 >= speed * speed / (2 * YellowStopDeceleration);
            if (!stops && distance < OncomingRange && distance / Math.Max(speed, 0.5) < LeftTurnGap) return true;
        }
        return false;
    }

    /// <summary>Time gap a left-turner needs before oncoming traffic arrives, seconds.</summary>
    public const double LeftTurnGap = 6.0;

    /// <summary>How far up the oncoming road a left-turner looks, metres.</summary>
    public const double OncomingRange = 60.0;

    private static double DirectionHeading(int direction) => direction * Math.PI / 2;
}
