using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Kernels.Cuda;
using Qail.Policies;
using Qail.Runtime;
using Qail.Runtime.Gpu;

namespace Qail.Tests.Exporting;

/// <summary>
/// The device executor against the CPU runtime, on OpenCL (PoCL on the CPU in CI) and on CUDA where a GPU is (both
/// run Kernels/policy.cu). Op by op, each node is run alone on the CPU run's values: integer layers, copies, gathers,
/// normalisation, residual adds, layer norm and the token sequence give the CPU's bits; float dot products, tanh,
/// exp and softmax stay within <see cref="OpTolerance"/> of the output's scale. End to end, actions agree within
/// <see cref="ActionTolerance"/> of the half range, except that where a float op feeds a quantized layer a reordered
/// sum may move a value across a rounding boundary and flip one code: allowed on at most a quarter of the
/// observations, each within <see cref="FlipTolerance"/>. Actions come from the default lowering (im2col and ReLUs
/// folded into the weight layers), the op-by-op run from one without folding. Cases are random small networks of all
/// three families.
/// </summary>
public sealed class GpuPolicyTests
{
    private const double OpTolerance = 1e-5;
    private const double ActionTolerance = 1e-5;
    private const double FlipTolerance = 0.1;

    // The registry says which ops the device reproduces bit for bit.
    private static readonly HashSet<string> ExactKinds = RuntimeOps.All.Where(k => k.DeviceExact).Select(k => k.Name)
        .ToHashSet();
    private static IComputeDevice OpenCl() => On("opencl");

    // CUDA runs where a GPU is, OpenCL in CI (PoCL); each skips naming why it is missing.
    private static IComputeDevice On(string kind)
    {
        var device = ComputeDevices.TryGet(kind, out var reason);
        Skip.If(device is null, $"{kind} unavailable: {reason}");
        return device!;
    }

    private static void Check<T>(Gen<T> cases, Action<T> check, int count, ulong seed) =>
        Prop.ForAll(cases.ToArbitrary(), c => check(c)).Check(Config.QuickThrowOnFailure.WithMaxTest(count)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL),
                FSharpOption<int>.None))));

    [SkippableTheory]
    [InlineData("opencl")]
    [InlineData("cuda")]
    public void MlpPoliciesActAsOnTheCpu(string kind)
    {
        var device = On(kind);
        var cases =
            from c in PolicyCase.Generator("W4g32", "W4g8", "W8A8", "W4A4", "W3", "W6")
            from floatExport in Gen.Elements(false, false, true)
            select (Case: c, Float: floatExport);
        Check(cases, p =>
        {
            var (c, floatExport) = p;
            var fp = c.FullPrecision();
            var deployed = floatExport ? Export.ToFloatPolicy(fp) : Export.ToIntegerPolicy(c.Prepared(fp));
            Compare($"{(floatExport ? "FP32" : c.ConfigName)} {c}", deployed, device,
                c.States(8, 2).Select(s => new Observation(s)).ToList(),
                !floatExport && c.QuantizesActivations, c.Spec.Action);
        }, 14, 20261127);
    }

    [SkippableTheory]
    [InlineData("opencl")]
    [InlineData("cuda")]
    public void CilrsPoliciesActAsOnTheCpu(string kind)
    {
        var device = On(kind);
        Check(CilrsCase.Generator(), c =>
        {
            var fp = c.FullPrecision();
            var deployed = c.Config is null ? Export.ToFloatPolicy(fp) : Export.ToIntegerPolicy(c.Prepared(fp));
            Compare(c.ToString(), deployed, device, CilrsCase.Observations(3).ToList(), c.QuantizesActivations,
                CilrsCase.Spec.Action);
        }, 6, 20261128);
    }

    [SkippableTheory]
    [InlineData("opencl")]
    [InlineData("cuda")]
    public void VlaPoliciesActAsOnTheCpu(string kind)
    {
        var device = On(kind);
        var cases =
            from dim in Gen.Elements(16, 32)
            from layers in Gen.Choose(1, 2)
            from patch in Gen.Elements(8, 16)
            from config in Gen.Elements("FP32", "W8A8", "W4A4", "W4")
            from seed in Gen.Choose(0, 1_000_000)
            select new VlaExportTests.VlaCase(dim, layers, patch, config, seed);
        var actions = Env.Lookup("libero-spatial").Create().Spec.Action;
        Check(cases, c =>
        {
            var network = c.Network();
            foreach (var decoding in new[] { ActionDecoding.Expectation, ActionDecoding.Argmax })
            {
                network.Decoding = decoding;
                Compare($"{c} {decoding}", c.Deploy(network), device, VlaExportTests.Observations(),
                    c.QuantizesActivations, actions);
            }
        }, 6, 20261129);
    }

    [SkippableFact]
    public void BadInputIsRefusedAsOnTheCpuAndTheDeviceRecovers()
    {
        var device = OpenCl();
        var cpu = DeployedPolicyTests.Deployed("W8A8");
        using var gpu = GpuPolicy.Create(cpu, device);
        var state = DeployedPolicyTests.Base.States(1, 5)[0];
        var expected = gpu.Act(new Observation(state));
        var bad = (float[])state.Clone();
        bad[3] = float.NaN;
        Assert.Contains("state[3]", Assert.Throws<ArgumentException>(() => gpu.Act(new Observation(bad))).Message);
        Assert.Throws<ArgumentException>(() => gpu.Act(new Observation(new float[10])));
        Assert.Equal(expected, gpu.Act(new Observation(state)));

        using var cilrs = GpuPolicy.Create(CilrsExportTests.Deployed("W8A8"), device);
        var observation = CilrsCase.At(2, 1);
        var before = cilrs.Act(observation);
        Assert.Contains("command",
            Assert.Throws<ArgumentException>(() => cilrs.Act(observation with { Command = 7 })).Message);
        Assert.Equal(before, cilrs.Act(observation));
    }

    [SkippableFact]
    public void ANanReachingAQuantizedLayerThrowsAndTheNextCallIsClean()
    {
        var device = OpenCl();
        // A NaN in an int8 layer's input slot (as a non-finite layer output would put there): the device raises its
        // fault flag where the CPU kernel throws, for the fused one-row layer (MLP) and the quantize-first path (CNN).
        var c = DeployedPolicyTests.Base with { ConfigName = "W8A8" };
        AssertNanFaults(Export.ToIntegerPolicy(c.Prepared(c.FullPrecision())),
            new Observation(c.States(1, 6)[0]), device);
        AssertNanFaults(CilrsExportTests.Deployed("W8A8"), CilrsCase.At(4, 2), device);
    }

    private static void AssertNanFaults(DeployedPolicy cpu, Observation observation, IComputeDevice device)
    {
        using var gpu = GpuPolicy.Create(cpu, device, new GpuPolicyOptions { Fuse = false });
        var expected = gpu.Act(observation);
        var slots = Act(cpu, observation);
        int node = cpu.Graph.Nodes.Select((n, i) => (n, i)).First(p => p.n.Op.Kind == Int8Linear.Name).i;
        var poisoned = slots.Select(s => (float[])s.Clone()).ToArray();
        poisoned[cpu.Graph.Nodes[node].Sources[0]][^1] = float.NaN;
        gpu.RunNode(node, poisoned);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => gpu.Act(observation)).Message);
        Assert.Equal(expected, gpu.Act(observation));
    }

    [SkippableFact]
    public void ReplicasShareWeightsAndActIndependently()
    {
        var device = OpenCl();
        var cpu = DeployedPolicyTests.Deployed("W4A4");
        var gpu = GpuPolicy.Create(cpu, device);
        var replica = (GpuPolicy)gpu.Replicate();
        var states = DeployedPolicyTests.Base.States(6, 7);
        var expected = states.Select(s => gpu.Act(new Observation(s))).ToList();
        gpu.Dispose();
        // The replica keeps the shared weights alive after the first instance is gone.
        var results = new float[states.Length][];
        Parallel.For(0, states.Length, i => { lock (replica) results[i] = replica.Act(new Observation(states[i])); });
        for (int i = 0; i < states.Length; i++) Assert.Equal(expected[i], results[i]);
        replica.Dispose();
        Assert.Throws<ObjectDisposedException>(() => replica.Act(new Observation(states[0])));
    }

    private static float[][] Act(DeployedPolicy cpu, Observation observation) => cpu.Trace(EnvInputs.From(observation));

    // Per node on the CPU's values, then whole actions; see the class summary for what must agree and how closely.
    private static void Compare(string name, DeployedPolicy cpu, IComputeDevice device,
        IReadOnlyList<Observation> observations, bool quantizesActivations,
        ActionSpace actions)
    {
        using var gpu = GpuPolicy.Create(cpu, device);
        using var unfused = GpuPolicy.Create(cpu, device, new GpuPolicyOptions { Fuse = false });
        int foldable = cpu.Graph.Nodes.Count(n => n.Op is Relu || n.Op.GatherSources is not null);
        Assert.True(foldable == 0 || gpu.Launches < unfused.Launches,
            $"{name}: {foldable} ReLUs and gathers, yet folding saved no launch ({gpu.Launches}).");
        var graph = cpu.Graph;
        int flipped = 0;
        foreach (var observation in observations)
        {
            var slots = Act(cpu, observation);
            for (int node = 0; node < graph.Nodes.Count; node++)
            {
                var expected = slots[graph.Inputs.Count + node];
                var actual = unfused.RunNode(node, slots);
                string kind = graph.Nodes[node].Op.Kind;
                if (ExactKinds.Contains(kind))
                {
                    int differ = Enumerable.Range(0, expected.Length).FirstOrDefault(i =>
                        BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]), -1);
                    Assert.True(differ < 0, $"{name}: node {node} ({kind}) value {differ}: device "
                        + $"{actual.ElementAtOrDefault(differ)} != CPU {expected.ElementAtOrDefault(differ)}.");
                    continue;
                }
                double scale = 1 + expected.Max(v => Math.Abs((double)v));
                double worst = Enumerable.Range(0, expected.Length).Max(i => Math.Abs((double)expected[i] - actual[i]));
                Assert.True(worst <= OpTolerance * scale,
                    $"{name}: node {node} ({kind}) differs by {worst:E3} at output scale {scale:F3}.");
            }
            var action = gpu.Act(observation);
            var reference = slots[^1];
            double error = Enumerable.Range(0, reference.Length).Max(i =>
                Math.Abs((double)reference[i] - action[i]) / ((actions.High[i] - actions.Low[i]) / 2.0));
            if (error <= ActionTolerance) continue;
            Assert.True(quantizesActivations && error <= FlipTolerance,
                $"{name}: action differs by {error:E3} of the half range.");
            flipped++;
        }
        Assert.True(flipped * 4 <= observations.Count,
            $"{name}: {flipped} of {observations.Count} actions differ beyond float rounding.");
    }
}
