using Qail.Envs.MuJoCo;
using Xunit.Abstractions;

namespace Qail.Envs.Tests.MuJoCo;

public class MujocoEnvTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names() => new(MujocoTasks.Names);

    private static IEnv Make(string name, int seed)
    {
        if (name.StartsWith("humanoid", StringComparison.Ordinal)) MujocoBindingTests.RequireHumanoid();
        else MujocoBindingTests.RequireMujoco();
        return Env.Make(name, seed);
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void Observations_have_the_spec_size_and_rewards_stay_in_0_1(string name)
    {
        var env = Make(name, 3);
        var rng = new SplitMix64(5);
        var action = new float[env.Spec.Action.Size];
        var first = env.Reset(3);
        Assert.Equal(env.Spec.StateSize, first.State!.Length);
        for (int t = 0; t < 100; t++)
        {
            for (int i = 0; i < action.Length; i++) action[i] = (float)rng.Uniform(-1.5, 1.5);
            var step = env.Step(action);
            Assert.Equal(env.Spec.StateSize, step.Observation.State!.Length);
            Assert.All(step.Observation.State, v => Assert.True(float.IsFinite(v), $"{name}: non-finite observation"));
            Assert.InRange(step.Reward, 0, 1);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void Same_seed_and_actions_give_the_same_bits(string name)
    {
        float[][] Run()
        {
            var env = Make(name, 11);
            var rng = new SplitMix64(2);
            var states = new List<float[]>();
            for (int t = 0; t < 30; t++)
            {
                var action = env.Spec.Action.Low.Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
                states.Add(env.Step(action).Observation.State!);
            }
            return states.ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [SkippableFact]
    public void Bad_actions_are_rejected_and_leave_the_state_unchanged()
    {
        var env = (MujocoEnv)Make("walker-stand", 1);
        var before = env.Data.Qpos.ToArray();
        Assert.Throws<ArgumentException>(() => env.Step(new float[5]));
        Assert.Throws<ArgumentException>(() => env.Step([0, 0, float.NaN, 0, 0, 0]));
        Assert.Equal(before, env.Data.Qpos.ToArray());
        Assert.Equal(0, env.StepCount);
        Assert.Equal(new float[] { -1, -1, -1, -1, -1, -1 }, env.Spec.Action.Low);
    }

    [SkippableFact]
    public void Finger_observes_where_the_spinner_points_and_not_only_how_fast()
    {
        var env = (Finger)Make("finger-spin", 3);
        var data = env.Data;
        int hinge = env.Model.QposAddress("hinge"), proximal = env.Model.QposAddress("proximal");
        float[] At(double angle, double finger)
        {
            data.Qpos[hinge] = angle;
            data.Qpos[proximal] = finger;
            data.Forward();
            return env.Observe(data);
        }
        // DMC's "tip position": the spinner's tip site relative to the hinge, which moves with the hinge angle alone.
        Assert.Equal(0, At(0, 0)[2], 6);
        Assert.Equal(Finger.TipRadius, At(0, 0)[3], 6);
        Assert.Equal(-Finger.TipRadius, At(Math.PI, 0)[3], 6);
        foreach (double angle in new[] { 0.5, -2.0 })
        {
            var (a, b) = (At(angle, 0), At(angle, 1));
            Assert.Equal(Finger.TipRadius, Math.Sqrt(a[2] * a[2] + a[3] * a[3]), 6);
            Assert.Equal(Math.Abs(Math.Sin(angle)) * Finger.TipRadius, Math.Abs(a[2]), 6);
            Assert.Equal((a[2], a[3]), (b[2], b[3]));
            Assert.NotEqual(a[0], b[0]);
        }
    }

    [SkippableFact]
    public void Contact_count_agrees_with_contacts_that_push_and_episodes_start_apart()
    {
        var env = (Finger)Make("finger-spin", 3);
        // MuJoCo's own answer: one physics step from the same state with contacts on and off differs iff a contact
        // pushed.
        string xml = MujocoModels.Xml("finger").Replace("<option timestep=\"0.01\"/>",
            "<option timestep=\"0.01\"><flag contact=\"disable\"/></option>", StringComparison.Ordinal);
        using var noContacts = MujocoModel.FromXml(xml);
        using var apart = new MujocoData(noContacts);
        var data = env.Data;
        int[] qpos = [.. new[] { "proximal", "distal", "hinge" }.Select(env.Model.QposAddress)];
        int touching = 0;
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 9; j++)
                for (int k = 0; k < 8; k++)
                {
                    double[] state = [-1.9 + 0.475 * i, -1.9 + 0.475 * j, k * Math.PI / 8];
                    foreach (var d in new[] { data, apart })
                    {
                        d.Reset();
                        for (int q = 0; q < 3; q++) d.Qpos[qpos[q]] = state[q];
                        d.Forward();
                    }
                    int contacts = data.ContactCount;
                    bool ours = contacts > 0;
                    data.Step();
                    apart.Step();
                    double gap = 0;
                    for (int v = 0; v < data.Qvel.Length; v++)
                        gap = Math.Max(gap, Math.Abs(data.Qvel[v] - apart.Qvel[v]));
                    Assert.True(ours == gap > 1e-9, $"state [{string.Join(", ", state)}]: ncon {contacts}, "
                        + $"contacts moved qvel by {gap:G3}");
                    if (ours) touching++;
                }
        output.WriteLine($"{touching} of 648 grid states touch the spinner");
        Assert.InRange(touching, 1, 647);
        for (int seed = 0; seed < 200; seed++)
        {
            env.Reset(seed);
            Assert.True(data.ContactCount == 0, $"finger-spin seed {seed} starts touching the spinner");
        }
        if (!File.Exists(MujocoModels.HumanoidPath)) return;
        var humanoid = (Humanoid)Make("humanoid-stand", 0);
        for (int seed = 0; seed < 100; seed++)
        {
            humanoid.Reset(seed);
            Assert.True(humanoid.Data.ContactCount == 0, $"humanoid-stand seed {seed} starts in contact");
        }
    }

    [SkippableFact]
    public void Render_draws_the_bodies()
    {
        var env = Make("walker-stand", 1);
        var frame = env.Render();
        Assert.Equal(160 * 120 * 3, frame.Pixels.Length);
        Assert.True(frame.Pixels.Distinct().Count() > 3, "the frame is nearly uniform");
    }

    [SkippableTheory]
    [InlineData("walker-stand", 40)]
    [InlineData("finger-spin", 100)]
    public void Expert_beats_random_actions_on_a_short_horizon(string name, int steps)
    {
        var env = Make(name, 1000);
        var rng = new SplitMix64(9);
        double random = 0;
        for (int t = 0; t < steps; t++)
            random += env.Step(env.Spec.Action.Low.Select(_ => (float)rng.Uniform(-1, 1)).ToArray()).Reward;
        env.Reset(1000);
        var expert = Expert.For(env);
        double planned = 0;
        for (int t = 0; t < steps; t++) planned += env.Step(expert.Act(env)).Reward;
        output.WriteLine($"{name}: expert {planned:F1}, random {random:F1} over {steps} steps");
        Assert.True(planned > random + 0.1 * steps, $"{name}: expert {planned:F1} does not beat random {random:F1}");
    }
}
