using FsCheck;
using FsCheck.Fluent;
using Qail.Engine;
using Qail.Envs;
using Qail.Policies;
using Qail.Quantization;

namespace Qail.Tests.Exporting;

/// <summary>
/// A random small MLP policy and quantization config, with demonstration-like states drawn around a fitted
/// normalisation.
/// </summary>
public sealed record PolicyCase(int StateSize, int[] Hidden, float[] Low, float[] High, string ConfigName, int Seed)
{
    public static readonly string[] ConfigNames = ["W4g8", "W4g16", "W4g32", "W8A8", "W4A4", "W3", "W4", "W5", "W6",
        "W8"];

    public QuantConfig Config => ConfigName switch
    {
        "W4g8" => QuantConfig.W4(8),
        "W4g16" => QuantConfig.W4(16),
        "W4g32" => QuantConfig.W4(32),
        "W8A8" => QuantConfig.W8A8(),
        "W4A4" => QuantConfig.W4A4(),
        _ => QuantConfig.WeightOnly(int.Parse(ConfigName[1..])),
    };

    public bool QuantizesActivations => Config.Activations is not null;

    public override string ToString() =>
        $"{ConfigName}: state {StateSize}, hidden [{string.Join(", ", Hidden)}], actions ["
            + $"{string.Join(", ", Low.Zip(High, (l, h) => $"{l}..{h}"))}], seed {Seed}";

    public EnvSpec Spec => new(StateSize, null, null, 0, new ActionSpace(Low, High), 1000, 0.01);

    public static Gen<PolicyCase> Generator(params string[] configs) =>
        from stateSize in Gen.Choose(1, 12)
        from depth in Gen.Choose(1, 2)
        from hidden in Gen.ArrayOf(Gen.Elements(8, 16, 24, 32, 64), depth)
        from actions in Gen.Choose(1, 4)
        from low in Gen.ArrayOf(Gen.Choose(-300, -10).Select(v => v / 100f), actions)
        from width in Gen.ArrayOf(Gen.Choose(20, 600).Select(v => v / 100f), actions)
        from config in Gen.Elements(configs.Length > 0 ? configs : ConfigNames)
        from seed in Gen.Choose(0, 1_000_000)
        select new PolicyCase(stateSize, hidden, low, low.Zip(width, (l, w) => l + w).ToArray(), config, seed);

    /// <summary>A random FP policy whose normalisation is fitted to this case's state distribution.</summary>
    public MlpPolicy FullPrecision()
    {
        var policy = new MlpPolicy(Spec, Hidden, Seed);
        var (mean, std) = StateDistribution();
        policy.LoadState(new Dictionary<string, Tensor>
        {
            ["state_mean"] = Tensor.From<float>(mean, [StateSize]),
            ["state_std"] = Tensor.From<float>(std, [StateSize]),
        }, strict: false);
        return policy;
    }

    /// <summary>The fake-quant copy, with activations calibrated on 64 states when the config quantizes them.</summary>
    public MlpPolicy Prepared(MlpPolicy fp)
    {
        var prepared = (MlpPolicy)Quantizer.Prepare(fp, Config, seed: Seed);
        if (QuantizesActivations)
        {
            var batch = new PolicyBatch(Tensor.From<float>(States(64, 1).SelectMany(s => s).ToArray(), [64, StateSize]),
                null, null, null, null);
            Quantizer.CalibrateActivations(prepared, [batch], b => prepared.Predict(b));
        }
        return prepared;
    }

    /// <summary>States around the fitted mean, spread by the fitted std (as demonstrations are).</summary>
    public float[][] States(int count, int stream)
    {
        var (mean, std) = StateDistribution();
        var noise = Tensor.RandomNormal([count, StateSize], seed: Seed * 7L + stream).ToArray<float>();
        return Enumerable.Range(0, count).Select(r => Enumerable.Range(0, StateSize)
            .Select(j => mean[j] + std[j] * noise[r * StateSize + j]).ToArray()).ToArray();
    }

    private (float[] Mean, float[] Std) StateDistribution()
    {
        var values = Tensor.RandomUniform([2, StateSize], seed: Seed * 7L + 3, low: 0, high: 1).ToArray<float>();
        return (values[..StateSize].Select(v => 4 * v - 2).ToArray(),
            values[StateSize..].Select(v => 0.1f + 3 * v).ToArray());
    }
}
