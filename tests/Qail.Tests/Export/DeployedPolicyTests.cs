using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Tests.Exporting;

public class DeployedPolicyTests
{
    internal static readonly PolicyCase Base = new(11, [64, 64], [-1f, -2f, -0.5f], [1f, 2f, 1.5f], "W4g32", 42);

    internal static DeployedPolicy Deployed(string config)
    {
        var c = Base with { ConfigName = config == "FP32" ? "W4g32" : config };
        var fp = c.FullPrecision();
        return config == "FP32" ? Export.ToFloatPolicy(fp) : Export.ToIntegerPolicy(c.Prepared(fp));
    }

    [Fact]
    public void BadObservationsThrowNamingTheProblem()
    {
        var policy = Deployed("W8A8");
        var wrongLength = Assert.Throws<ArgumentException>(() => policy.Act(new Observation(new float[10])));
        Assert.Contains("10 values", wrongLength.Message);
        Assert.Contains("11", wrongLength.Message);
        var state = new float[11];
        state[3] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => policy.Act(new Observation(state)));
        Assert.Contains("state[3]", nan.Message);
        state[3] = float.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => policy.Act(new Observation(state)));
        Assert.Throws<ArgumentException>(() => policy.Act(new Observation(null, Image: [1, 2])));
        Assert.Throws<ArgumentNullException>(() => policy.Act(null!));
    }

    [Fact]
    public void ReplicasActIdenticallyAndIndependently()
    {
        var policy = Deployed("W4A4");
        var replica = policy.Replicate();
        var states = Base.States(8, 9);
        var fromReplica = new float[states.Length][];
        Parallel.For(0, states.Length, i =>
        {
            lock (fromReplica) fromReplica[i] = replica.Act(new Observation(states[i]));
        });
        for (int i = 0; i < states.Length; i++) Assert.Equal(policy.Act(new Observation(states[i])), fromReplica[i]);
    }

    [Fact]
    public void ModelBytesShrinkWithTheBitWidth()
    {
        long fp32 = Deployed("FP32").ModelBytes, w8 = Deployed("W8A8").ModelBytes, w4 = Deployed("W4g32").ModelBytes;
        // Weights [64, 11], [64, 64], [3, 64] plus biases and buffers: 4 bytes per weight in FP32.
        Assert.Equal(4L * (64 * 11 + 64 * 64 + 3 * 64) + 4L * (64 + 64 + 3) + 8 * 11 + 16 * 3, fp32);
        Assert.True(w8 < fp32 / 3, $"W8A8 {w8} bytes vs FP32 {fp32}");
        Assert.True(w4 < w8 * 2 / 3, $"W4 {w4} bytes vs W8A8 {w8}");
    }

    [Fact]
    public void LatencyProbeReportsOrderedPercentiles()
    {
        var policy = Deployed("W4g32");
        var result = LatencyProbe.Measure(policy.AsPolicy(), new Observation(Base.States(1, 3)[0]), warmup: 5,
            iterations: 50);
        Assert.Equal(50, result.Iterations);
        Assert.True(result.MedianMicroseconds > 0);
        Assert.True(result.P90Microseconds >= result.MedianMicroseconds);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            LatencyProbe.Measure(policy.AsPolicy(), new Observation(new float[11]), 0, 0));
    }

    [Fact]
    public void UnsupportedModelsAreRefusedClearly()
    {
        var prepared = Base.Prepared(Base.FullPrecision());
        var error = Assert.Throws<ArgumentException>(() => Export.ToFloatPolicy(prepared));
        Assert.Contains("quantizer", error.Message);
        var perGroupWithActivations = Base with { ConfigName = "W8A8" };
        var custom = (MlpPolicy)Quantizer.Prepare(Base.FullPrecision(), perGroupWithActivations.Config with
        {
            Weights = new TensorQuantSpec(4, true, QuantGranularity.PerGroup, 32),
        });
        var noKernel = Assert.Throws<ArgumentException>(() => Export.ToIntegerPolicy(custom));
        Assert.Contains("no integer kernel", noKernel.Message);
    }
}
