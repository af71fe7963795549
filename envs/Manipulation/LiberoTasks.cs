namespace Qail.Envs.Manipulation;

/// <summary>The task catalogue: ten tasks per suite, built once, in a fixed order.</summary>
public static class LiberoTasks
{
    /// <summary>Tasks per suite.</summary>
    public const int TasksPerSuite = 10;

    private static readonly ManipulationTask[][] Catalogue = [SpatialTasks(), ObjectTasks(), GoalTasks(), LongTasks()];

    /// <summary>The tasks of a suite, in index order.</summary>
    public static IReadOnlyList<ManipulationTask> Of(LiberoSuite suite) =>
        (uint)suite < (uint)Catalogue.Length
            ? Catalogue[(int)suite]
            : throw new ArgumentException($"LiberoTasks: unknown suite {suite}.", nameof(suite));

    /// <summary>Registry name of a suite, e.g. "libero-spatial".</summary>
    public static string Name(LiberoSuite suite) => suite switch
    {
        LiberoSuite.Spatial => "libero-spatial",
        LiberoSuite.Object => "libero-object",
        LiberoSuite.Goal => "libero-goal",
        LiberoSuite.Long => "libero-long",
        _ => throw new ArgumentException($"LiberoTasks: unknown suite {suite}.", nameof(suite)),
    };

    private static ObjectSpec O(ObjectKind kind, ObjectColour colour) => new(kind, colour);

    private static string Join(IReadOnlyList<ObjectSpec> specs, IEnumerable<TaskGoal> goals) =>
        string.Join(" then ", goals.Select(g => g.Sentence(Build(specs))));

    // Objects standing apart, only for wording sentences.
    private static List<TabletopObject> Build(IReadOnlyList<ObjectSpec> specs) =>
        specs.Select(s => new TabletopObject(s.Kind, s.Colour)).ToList();

    private static ManipulationTask Task(ObjectSpec[] objects, TaskGoal[] goals, (double X, double Y)[]? nominal = null,
        double jitter = 0) =>
        new(objects, goals, Join(objects, goals), nominal, jitter);

    // Same five objects (two of them identical red blocks); each task has its own layout, and the instruction names the
    // block by where it stands relative to its twin ("the left red block"): four qualifiers times bowl and plate, then
    // two stacking tasks.
    private static ManipulationTask[] SpatialTasks()
    {
        ObjectSpec[] objects =
        [
            O(ObjectKind.Block, ObjectColour.Red), O(ObjectKind.Block, ObjectColour.Red),
            O(ObjectKind.Bowl, ObjectColour.Blue),
            O(ObjectKind.Plate, ObjectColour.White), O(ObjectKind.Cylinder, ObjectColour.Green),
        ];
        string[] qualifiers = ["left", "right", "front", "back"];
        var radius = objects.Select(o => new TabletopObject(o.Kind, o.Colour).Radius).ToArray();
        var tasks = new ManipulationTask[TasksPerSuite];
        for (int i = 0; i < TasksPerSuite; i++)
        {
            string qualifier = qualifiers[i % 4];
            var goal = i < 4 ? new TaskGoal(GoalRelation.In, 0, 2) : i < 8
                ? new TaskGoal(GoalRelation.On, 0, 3) : new TaskGoal(GoalRelation.Stack, 0, 4);
            var rng = SplitMix64.Derive(0x5EA71A1, i);
            var xy = new (double X, double Y)[objects.Length];
            var probe = new ManipulationTask(objects, [goal], "", null, 0);
            for (int attempt = 0; ; attempt++)
            {
                if (attempt == 100_000)
                    throw new InvalidOperationException($"LiberoTasks: no spatial layout for task {i}.");
                for (int k = 0; k < xy.Length; k++)
                {
                    double limit = Tabletop.HalfSize - radius[k] - 0.03;
                    xy[k] = (rng.Uniform(-limit, limit), rng.Uniform(-limit, limit));
                }
                // Wide margins so that the per-episode jitter (2 cm) keeps the layout valid and the qualifier true.
                double ahead = qualifier switch
                {
                    "left" => xy[1].X - xy[0].X,
                    "right" => xy[0].X - xy[1].X,
                    "front" => xy[1].Y - xy[0].Y,
                    _ => xy[0].Y - xy[1].Y,
                };
                if (ahead >= 0.12 && IsWide(xy, radius) && TabletopLayout.IsValid(probe, xy, radius)) break;
            }
            tasks[i] = new ManipulationTask(objects, [goal], goal.Sentence(Build(objects), qualifier), xy, 0.02);
        }
        return tasks;
    }

    private static bool IsWide(ReadOnlySpan<(double X, double Y)> xy, ReadOnlySpan<double> radius)
    {
        for (int i = 0; i < xy.Length; i++)
            for (int j = i + 1; j < xy.Length; j++)
            {
                double dx = xy[i].X - xy[j].X, dy = xy[i].Y - xy[j].Y;
                if (Math.Sqrt(dx * dx + dy * dy) < radius[i] + radius[j] + TabletopLayout.Clearance + 0.06)
                    return false;
            }
        return true;
    }

    // Ten different target objects, each with three distractors from the same pool, to be put in the white bowl.
    private static ManipulationTask[] ObjectTasks()
    {
        ObjectSpec[] pool =
        [
            O(ObjectKind.Block, ObjectColour.Red), O(ObjectKind.Cylinder, ObjectColour.Green),
            O(ObjectKind.Block, ObjectColour.Yellow),
            O(ObjectKind.Cylinder, ObjectColour.Purple), O(ObjectKind.Block, ObjectColour.Orange),
            O(ObjectKind.Cylinder, ObjectColour.Blue),
            O(ObjectKind.Block, ObjectColour.Green), O(ObjectKind.Cylinder, ObjectColour.Yellow),
            O(ObjectKind.Block, ObjectColour.Blue),
            O(ObjectKind.Cylinder, ObjectColour.Red),
        ];
        var tasks = new ManipulationTask[TasksPerSuite];
        for (int i = 0; i < TasksPerSuite; i++)
        {
            ObjectSpec[] objects = [pool[i], pool[(i + 3) % 10], pool[(i + 5) % 10], pool[(i + 8) % 10],
                O(ObjectKind.Bowl, ObjectColour.White)];
            tasks[i] = Task(objects, [new TaskGoal(GoalRelation.In, 0, 4)]);
        }
        return tasks;
    }

    // One layout (red block, yellow block, green cylinder, blue bowl, white plate), ten goals.
    private static ManipulationTask[] GoalTasks()
    {
        ObjectSpec[] objects =
        [
            O(ObjectKind.Block, ObjectColour.Red), O(ObjectKind.Block, ObjectColour.Yellow),
            O(ObjectKind.Cylinder, ObjectColour.Green),
            O(ObjectKind.Bowl, ObjectColour.Blue), O(ObjectKind.Plate, ObjectColour.White),
        ];
        (double, double)[] layout = [(-0.02, -0.02), (-0.16, -0.14), (0.16, -0.12), (0.14, 0.14), (-0.16, 0.14)];
        TaskGoal[] goals =
        [
            new(GoalRelation.In, 0, 3), new(GoalRelation.On, 0, 4), new(GoalRelation.In, 2, 3),
            new(GoalRelation.On, 1, 4),
            new(GoalRelation.Stack, 0, 1), new(GoalRelation.Stack, 2, 0), new(GoalRelation.On, 3, 4),
            new(GoalRelation.RightOf, 0, 4), new(GoalRelation.RightOf, 2, 0), new(GoalRelation.LeftOf, 1, 0),
        ];
        return goals.Select(g => Task(objects, [g], layout, 0.015)).ToArray();
    }

    // Two or three chained sub-tasks over four or five objects, laid out anywhere.
    private static ManipulationTask[] LongTasks()
    {
        var block = ObjectKind.Block;
        var cylinder = ObjectKind.Cylinder;
        var bowl = ObjectKind.Bowl;
        var plate = ObjectKind.Plate;
        return
        [
            Task([O(block, ObjectColour.Red), O(block, ObjectColour.Green), O(bowl, ObjectColour.Blue),
                O(plate, ObjectColour.White)],
                [new(GoalRelation.In, 0, 2), new(GoalRelation.On, 1, 3)]),
            Task([O(block, ObjectColour.Yellow), O(block, ObjectColour.Red), O(cylinder, ObjectColour.Purple),
                O(plate, ObjectColour.White)],
                [new(GoalRelation.Stack, 0, 1), new(GoalRelation.On, 2, 3)]),
            Task([O(cylinder, ObjectColour.Green), O(block, ObjectColour.Orange), O(bowl, ObjectColour.Blue),
                O(bowl, ObjectColour.Yellow)],
                [new(GoalRelation.In, 0, 2), new(GoalRelation.In, 1, 3)]),
            Task([O(block, ObjectColour.Red), O(block, ObjectColour.Blue), O(block, ObjectColour.Green),
                O(plate, ObjectColour.White)],
                [new(GoalRelation.On, 0, 3), new(GoalRelation.Stack, 1, 0), new(GoalRelation.Stack, 2, 1)]),
            Task([O(cylinder, ObjectColour.Yellow), O(block, ObjectColour.Red), O(bowl, ObjectColour.Blue),
                O(plate, ObjectColour.White)],
                [new(GoalRelation.RightOf, 1, 3), new(GoalRelation.In, 0, 2)]),
            Task([O(block, ObjectColour.Orange), O(block, ObjectColour.Purple), O(bowl, ObjectColour.Blue),
                O(plate, ObjectColour.White)],
                [new(GoalRelation.On, 2, 3), new(GoalRelation.In, 0, 2)]),
            Task([O(cylinder, ObjectColour.Red), O(block, ObjectColour.Green), O(block, ObjectColour.Yellow),
                O(bowl, ObjectColour.Blue)],
                [new(GoalRelation.Stack, 1, 2), new(GoalRelation.In, 0, 3)]),
            Task([O(block, ObjectColour.Blue), O(cylinder, ObjectColour.Yellow), O(plate, ObjectColour.White),
                O(bowl, ObjectColour.Purple)],
                [new(GoalRelation.LeftOf, 0, 3), new(GoalRelation.On, 1, 2)]),
            Task([O(block, ObjectColour.Red), O(block, ObjectColour.Green), O(block, ObjectColour.Yellow),
                O(bowl, ObjectColour.Blue), O(plate, ObjectColour.White)],
                [new(GoalRelation.In, 0, 3), new(GoalRelation.On, 1, 4), new(GoalRelation.Stack, 2, 1)]),
            Task([O(cylinder, ObjectColour.Orange), O(block, ObjectColour.Blue), O(plate, ObjectColour.White),
                O(bowl, ObjectColour.Green)],
                [new(GoalRelation.On, 0, 2), new(GoalRelation.In, 1, 3)]),
        ];
    }
}
