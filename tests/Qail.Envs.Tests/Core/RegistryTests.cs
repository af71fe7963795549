using Qail.Envs.Physics;

namespace Qail.Envs.Tests.Core;

public class RegistryTests
{
    public static readonly string[] PhysicsNames =
        ["cartpole-balance", "cartpole-swingup", "pendulum-swingup", "acrobot-swingup", "reacher-easy", "reacher-hard",
            "point-mass"];

    [Fact]
    public void Unknown_name_is_rejected_with_the_known_names()
    {
        var e = Assert.Throws<ArgumentException>(() => Env.Make("cartpole-upside-down", 0));
        Assert.Contains("cartpole-upside-down", e.Message);
        foreach (var name in Env.Names) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Every_physics_name_is_registered_made_and_described()
    {
        var description = Env.Describe().Split(Environment.NewLine);
        Assert.Equal(Env.Names.Count, description.Length);
        Assert.Equal(Env.Names.Count, Env.Names.Distinct().Count());
        foreach (var name in PhysicsNames)
        {
            var env = Env.Make(name, seed: 3);
            Assert.Equal(name, env.Name);
            Assert.IsAssignableFrom<PhysicsEnv>(env);
            Assert.Contains(description, line => line.StartsWith(name + " ", StringComparison.Ordinal));
            var action = Expert.For(env).Act(env);
            Assert.Equal(env.Spec.Action.Size, action.Length);
        }
    }

    [Fact]
    public void Make_resets_with_the_seed()
    {
        var a = Env.Make("reacher-easy", 11);
        var b = new Reacher(hard: false);
        var first = b.Reset(11);
        Assert.Equal(first.State, ((PhysicsEnv)a).Observe(((PhysicsEnv)a).PhysicalState));
    }

    [Fact]
    public void Split_mix_streams_are_reproducible_and_distinct()
    {
        var a = SplitMix64.Derive(5, 1);
        var b = SplitMix64.Derive(5, 1);
        var c = SplitMix64.Derive(5, 2);
        ulong x = a.NextUInt64();
        Assert.Equal(x, b.NextUInt64());
        Assert.NotEqual(x, c.NextUInt64());
        var u = new SplitMix64(9);
        for (int i = 0; i < 1000; i++)
        {
            double d = u.NextDouble();
            Assert.InRange(d, 0.0, 0.9999999999999999);
        }
    }
}
