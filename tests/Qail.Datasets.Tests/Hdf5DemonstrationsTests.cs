namespace Qail.Datasets.Tests;

/// <summary>robomimic and Minari layouts written by h5py (skipped where python3-h5py is missing).</summary>
public sealed class Hdf5DemonstrationsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("qail-hdf5-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Values follow v = 1000*episode + 10*t + d (+ 0.25 for actions) so the test can recompute them.
    private const string Robomimic = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            data = f.create_group("data")
            for e, steps in ((0, 5), (1, 3), (10, 2)):
                g = data.create_group(f"demo_{e}")
                t = np.arange(steps)[:, None]
                g["actions"] = (1000 * e + 10 * t + np.arange(7) + 0.25).astype(np.float32)
                g["rewards"] = np.arange(steps, dtype=np.float64)
                g["dones"] = (np.arange(steps) == steps - 1).astype(np.int64)
                obs = g.create_group("obs")
                obs["robot0_eef_pos"] = (1000 * e + 10 * t + np.arange(3)).astype(np.float64)
                obs["robot0_gripper_qpos"] = (1000 * e + 10 * t + np.arange(2) + 3).astype(np.float32)
                obs["agentview_image"] = np.full((steps, 4, 4, 3), e, dtype=np.uint8)
        """;

    private const string Minari = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            for e, steps in ((0, 4), (1, 2)):
                g = f.create_group(f"episode_{e}")
                t = np.arange(steps + 1)[:, None]
                g["observations"] = (1000 * e + 10 * t + np.arange(4)).astype(np.float32)
                g["actions"] = (1000 * e + 10 * t[:-1] + np.arange(2) + 0.25).astype(np.float32)
                g["rewards"] = np.ones(steps)
                g["terminations"] = np.arange(steps) == (steps - 1 if e == 1 else steps)
                g["truncations"] = np.zeros(steps, dtype=bool)
        """;

    private string Write(string script)
    {
        var why = PythonH5py.WhyMissing;
        Skip.If(why is not null, why);
        var path = Path.Combine(_folder, "demos.hdf5");
        Assert.Null(PythonH5py.Run(script, path));
        return path;
    }

    [SkippableFact]
    public void RobomimicDemosInNumericOrderWithStateKeysAndImages()
    {
        var demos = Hdf5Demonstrations.LoadRobomimic(Write(Robomimic), imageKey: "agentview_image");
        Assert.Equal([0L, 5, 8, 10], demos.EpisodeOffsets);
        Assert.Equal(7, demos.ActionSize);
        Assert.Equal(5, demos.StateSize);
        // Step 1 of demo_1 (row 6): eef_pos then gripper_qpos, keys in name order.
        Assert.Equal([1010f, 1011, 1012, 1013, 1014], demos.States!.AsSpan(6 * 5, 5).ToArray());
        Assert.Equal(10016.25f, demos.Actions[9 * 7 + 6]);
        Assert.Equal([4, 4, 3], demos.ImageShape!);
        Assert.Equal(10, demos.Images![9 * 48]);
        Assert.Equal([1, 1, 1], demos.Successes.Select(s => (int)s));
        Assert.Equal(2f, demos.Rewards[2]);
    }

    [SkippableFact]
    public void MinariDropsTheFinalObservationAndTakesSuccessFromTerminations()
    {
        var demos = Hdf5Demonstrations.LoadMinari(Write(Minari));
        Assert.Equal([0L, 4, 6], demos.EpisodeOffsets);
        Assert.Equal(4, demos.StateSize);
        Assert.Equal([1010f, 1011, 1012, 1013], demos.States!.AsSpan(5 * 4, 4).ToArray());
        Assert.Equal(1010.25f + 1, demos.Actions[5 * 2 + 1]);
        Assert.Equal([0, 1], demos.Successes.Select(s => (int)s));
    }

    [SkippableFact]
    public void AMissingDatasetIsNamed()
    {
        var path = Write(Robomimic);
        var error = Record.Exception(() => Hdf5Demonstrations.LoadRobomimic(path, stateKeys: ["joint_pos"]));
        Assert.NotNull(error);
        Assert.Contains("joint_pos", error.Message, StringComparison.Ordinal);
    }
}
