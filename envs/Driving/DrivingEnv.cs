namespace Qail.Envs.Driving;

/// <summary>
/// CARLA-NoCrash-like urban driving. Each episode generates a town of the env's family, a weather and a route
/// crossing three intersections (about 200-300 m), and spawns background traffic. Units: metres, seconds, radians;
/// time step 0.1 s; episodes end on reaching the goal, a collision, leaving the road or the route, or after 1000
/// steps (truncation = timeout).
/// Observation: <see cref="BirdsEyeRaster"/> image (64 x 64 x 5 bytes), State = [ego speed in m/s], Command =
/// <see cref="DrivingCommand"/> index. Action = [steer in [-1, 1] (positive = left, full lock 35 degrees),
/// throttle in [0, 1] (3 m/s^2), brake in [0, 1] (8 m/s^2)]; entries outside the bounds saturate like the real
/// pedals and steering lock. Reward = route completion gained this step (fraction of the route), so the return is the
/// fraction completed.
/// </summary>
public sealed class DrivingEnv : IEnv
{
    /// <summary>Simulated seconds per step.</summary>
    public const double TimeStep = 0.1;

    /// <summary>Episode length before truncation (timeout).</summary>
    public const int MaxSteps = 1000;

    /// <summary>Intersections on every route.</summary>
    public const int RouteIntersections = 3;

    /// <summary>Distance from the route beyond which the episode ends, metres.</summary>
    public const double MaxRouteDeviation = 6.0;

    /// <summary>The goal counts as reached within this route distance, metres.</summary>
    public const double GoalTolerance = 1.0;

    /// <summary>
    /// Background cars per kilometre of lane at <see cref="TrafficDensity.Regular"/> (twice that at dense).
    /// </summary>
    public const double CarsPerKilometre = 8.0;

    private readonly IReadOnlyList<Weather> _weathers;
    private readonly Dictionary<string, int> _infractions = [];
    private SplitMix64 _rng = new(0);
    private SplitMix64 _noise = new(0);
    private int _box = -1;
    private bool _wrongSide;
    private Town? _town;
    private Route? _route;
    private Weather? _weather;

    /// <summary>
    /// An env drawing towns from <paramref name="family"/>, weathers from <paramref name="weathers"/>, with the given
    /// traffic.
    /// </summary>
    public DrivingEnv(string name, TownFamily family, IReadOnlyList<Weather> weathers, TrafficDensity density)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(weathers);
        if (weathers.Count == 0)
            throw new ArgumentException("DrivingEnv: needs at least one weather.", nameof(weathers));
        Name = name;
        Family = family;
        _weathers = weathers;
        Density = density;
        Spec = new EnvSpec(1, new ImageSpec(BirdsEyeRaster.Size, BirdsEyeRaster.Size, BirdsEyeRaster.Channels), null, 4,
            new ActionSpace([-1f, 0f, 0f], [1f, 1f, 1f]), MaxSteps, TimeStep);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public EnvSpec Spec { get; }

    /// <summary>Town generator of this env.</summary>
    public TownFamily Family { get; }

    /// <summary>Background traffic level.</summary>
    public TrafficDensity Density { get; }

    /// <summary>The current episode's town.</summary>
    public Town Town => _town ?? throw NotReset();

    /// <summary>The current episode's route.</summary>
    public Route Route => _route ?? throw NotReset();

    /// <summary>The current episode's weather.</summary>
    public Weather Weather => _weather ?? throw NotReset();

    /// <summary>Background cars.</summary>
    public Traffic Traffic { get; } = new();

    /// <summary>The ego car.</summary>
    public VehiclePose Ego { get; private set; }

    /// <summary>Simulated time since reset, seconds.</summary>
    public double Time { get; private set; }

    /// <summary>Steps since reset.</summary>
    public int StepCount { get; private set; }

    /// <summary>Route arc length reached so far, metres.</summary>
    public double Progress { get; private set; }

    /// <summary>True once the episode is over; <see cref="Step"/> then throws until the next reset.</summary>
    public bool Done { get; private set; }

    /// <summary>Route completion so far, percent.</summary>
    public double RouteCompletion => 100.0 * Math.Min(1.0, Progress / Route.Path.Length);

    /// <summary>Infraction counts so far.</summary>
    public IReadOnlyDictionary<string, int> InfractionCounts => _infractions;

    /// <summary>The ego's footprint.</summary>
    public OrientedBox EgoBox => new(Ego.Centre, Ego.Heading, VehiclePose.Length, VehiclePose.Width);

    /// <inheritdoc/>
    public Observation Reset(int seed)
    {
        _rng = new SplitMix64(unchecked((ulong)seed * 0xD1B54A32D192ED03ul + 0x8CB92BA72F3D8DD7ul));
        _noise = new SplitMix64(_rng.NextUInt64());
        _town = Family.Generate(_rng.NextSeed());
        _weather = _weathers[_rng.NextInt(_weathers.Count)];
        _route = RoutePlanner.Plan(_town, _rng, RouteIntersections);
        double heading = Route.Path.HeadingAt(0);
        var rear = Route.Path.PointAt(0) - VehiclePose.RearAxleToCentre * Vec2.FromAngle(heading);
        Ego = new VehiclePose(rear.X, rear.Y, heading, 0);
        double laneKm = Town.Edges.Where(e => !e.IsConnector).Sum(e => e.Path.Length) / 1000.0;
        int cars = Density switch
        {
            TrafficDensity.Empty => 0,
            TrafficDensity.Regular => (int)Math.Round(CarsPerKilometre * laneKm),
            _ => (int)Math.Round(2 * CarsPerKilometre * laneKm),
        };
        Traffic.Spawn(Town, cars, Ego.Centre, _rng);
        Time = 0;
        StepCount = 0;
        Progress = 0;
        Done = false;
        _box = Town.BoxAt(Ego.Centre);
        _wrongSide = false;
        foreach (var name in Infractions.All) _infractions[name] = 0;
        return Observe();
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (_town is null) throw NotReset();
        if (Done)
            throw new InvalidOperationException(
                $"{Name}: Step after the episode ended at step {StepCount}; call Reset.");
        if (action.Length != 3)
            throw new ArgumentException(
                $"{Name}: action has length {action.Length}, expected 3 (steer, throttle, brake).", nameof(action));
        for (int i = 0; i < 3; i++)
            if (!float.IsFinite(action[i]))
                throw new ArgumentException($"{Name}: action[{i}] = {action[i]} is not finite.", nameof(action));

        double steer = Math.Clamp(action[0], -1.0, 1.0), throttle = Math.Clamp(action[1], 0.0, 1.0),
            brake = Math.Clamp(action[2], 0.0, 1.0);
        var before = Ego.Centre;
        double timeBefore = Time, progressBefore = Progress;
        Ego = KinematicBicycle.Step(Ego, steer, throttle, brake, TimeStep);
        Traffic.Step(Town, Time, TimeStep, Ego, _rng);
        Time = ++StepCount * TimeStep;

        var centre = Ego.Centre;
        var (s, deviation) = Route.Path.Project(centre, Math.Max(0, Progress - 2), Progress + 12);
        Progress = Math.Max(Progress, s);

        bool failed = false;
        var egoBox = EgoBox;
        foreach (var car in Traffic.Cars)
            if (egoBox.Overlaps(car.Box(Town))) { _infractions[Infractions.CollisionVehicle]++; failed = true; break; }
        CheckRedLight(before, centre, timeBefore);
        var sample = Town.Sample(centre, 0);
        CheckLaneInvasion(sample);
        if (!sample.Paved) { _infractions[Infractions.OffRoad]++; failed = true; }
        if (deviation > MaxRouteDeviation) { _infractions[Infractions.RouteDeviation]++; failed = true; }

        bool success = !failed && Progress >= Route.Path.Length - GoalTolerance;
        if (success) Progress = Route.Path.Length;
        bool terminated = failed || success;
        bool truncated = !terminated && StepCount >= MaxSteps;
        Done = terminated || truncated;
        double reward = (Progress - progressBefore) / Route.Path.Length;
        return new StepResult(Observe(), reward, terminated, truncated, Info(success));
    }

    /// <inheritdoc/>
    public RgbFrame Render() => TopDownView.Render(this);

    private InvalidOperationException NotReset() => new($"{Name}: the env has not been reset yet; call Reset(seed).");

    private void CheckRedLight(Vec2 before, Vec2 centre, double time)
    {
        int box = Town.BoxAt(centre);
        if (box >= 0 && box != _box)
        {
            var c = Town.Centre(box);
            // The side crossed is the one the previous position lay furthest beyond.
            double[] beyond = [c.X - Town.BoxHalf - before.X, c.Y - Town.BoxHalf - before.Y,
                before.X - c.X - Town.BoxHalf, before.Y - c.Y - Town.BoxHalf];
            int direction = 0;
            for (int d = 1; d < 4; d++) if (beyond[d] > beyond[direction]) direction = d;
            if (Town.Light(box, direction, time) == TrafficLightState.Red) _infractions[Infractions.RedLight]++;
        }
        _box = box;
    }

    private void CheckLaneInvasion(RoadSample sample)
    {
        bool wrong = false;
        if (sample.Axis >= 0)
        {
            double along = sample.Axis == 0 ? Math.Cos(Ego.Heading) : Math.Sin(Ego.Heading);
            // Right-hand traffic: eastbound lanes lie south of the centre line, northbound lanes east of it.
            double side = sample.Axis == 0 ? -sample.Offset : sample.Offset;
            wrong = Math.Abs(along) > 0.5 && side * Math.Sign(along) < 0;
        }
        if (wrong && !_wrongSide) _infractions[Infractions.LaneInvasion]++;
        _wrongSide = wrong;
    }

    private StepInfo Info(bool success)
    {
        var infractions = new Dictionary<string, int>(_infractions);
        var metrics = new Dictionary<string, double> { ["route_completion"] = RouteCompletion };
        if (Done)
        {
            metrics["infraction_penalty"] = DrivingScore.Penalty(infractions);
            metrics["driving_score"] = DrivingScore.Compute(RouteCompletion, infractions);
            metrics["route_length_m"] = Route.Path.Length;
            metrics["time_s"] = Time;
        }
        return new StepInfo(success, infractions, metrics);
    }

    private Observation Observe()
    {
        var image = new byte[BirdsEyeRaster.Size * BirdsEyeRaster.Size * BirdsEyeRaster.Channels];
        BirdsEyeRaster.Draw(image, Town, Route, Progress, Traffic, Ego, Time);
        Weather.Apply(image, BirdsEyeRaster.Channels, _noise);
        return new Observation([(float)Ego.Speed], image, null, (int)Route.CommandAt(Progress));
    }
}
