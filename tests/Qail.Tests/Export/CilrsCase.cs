using FsCheck;
using FsCheck.Fluent;
using Qail.Engine;
using Qail.Envs;
using Qail.Nn;
using Qail.Policies;
using Qail.Quantization;
using Qail.Tests.Policies;

namespace Qail.Tests.Exporting;

/// <summary>
/// A random small CILRS network on the real driving spec (64x64x5 rasters, 4 commands) with random batch-norm
/// statistics, a quantization config, and observations from short expert driving episodes.
/// </summary>
public sealed record CilrsCase(int Width, int FeatureSize, int HeadHidden, string ConfigName, int Seed)
{
    public const string EnvName = "driving-nocrash-tt";

    public static readonly string[] ConfigNames = ["FP32", "W8A8", "W4A4", "W4"];

    private static readonly Lazy<Demonstrations> LazyDemos = new(() => StepLimitedEnv.Collect(EnvName, 2, 16, seed: 9));

    public static Demonstrations Demos => LazyDemos.Value;

    public static EnvSpec Spec { get; } = Env.Lookup(EnvName).Create().Spec;

    public QuantConfig? Config => ConfigName switch
    {
        "FP32" => null,
        "W8A8" => QuantConfig.W8A8(),
        "W4A4" => QuantConfig.W4A4(),
        "W4" => QuantConfig.W4(32),
        _ => throw new ArgumentException(ConfigName),
    };

    public bool QuantizesActivations => Config?.Activations is not null;

    public override string ToString() =>
        $"{ConfigName}: width {Width}, features {FeatureSize}, head {HeadHidden}, seed {Seed}";

    public static Gen<CilrsCase> Generator(params string[] configs) =>
        from width in Gen.Choose(2, 4)
        from featureSize in Gen.Elements(8, 16, 32)
        from headHidden in Gen.Elements(8, 16)
        from config in Gen.Elements(configs.Length > 0 ? configs : ConfigNames)
        from seed in Gen.Choose(0, 1_000_000)
        select new CilrsCase(width, featureSize, headHidden, config, seed);

    /// <summary>
    /// A random FP network (eval mode) with speed normalisation fitted to the demos and random batch-norm statistics.
    /// </summary>
    public CilrsPolicy FullPrecision()
    {
        var net = new CilrsPolicy(Spec, Seed, Width, FeatureSize, HeadHidden);
        net.FitNormalization(Demos);
        var state = new Dictionary<string, Tensor>();
        int stream = 0;
        foreach (var (path, module) in net.NamedModules())
            if (module is BatchNorm2d norm)
            {
                int c = norm.Channels;
                state[$"{path}.weight"] = Tensor.RandomUniform([c], Seed * 31L + stream++, 0.5, 1.5);
                state[$"{path}.bias"] = Tensor.RandomUniform([c], Seed * 31L + stream++, -0.3, 0.3);
                state[$"{path}.running_mean"] = Tensor.RandomUniform([c], Seed * 31L + stream++, -0.3, 0.3);
                state[$"{path}.running_var"] = Tensor.RandomUniform([c], Seed * 31L + stream++, 0.5, 2);
            }
        net.LoadState(state, strict: false);
        net.Eval();
        return net;
    }

    /// <summary>
    /// The fake-quant network (BN folded by Prepare), activations calibrated on the demos when the config quantizes
    /// them.
    /// </summary>
    public CilrsPolicy Prepared(CilrsPolicy fp)
    {
        var prepared = (CilrsPolicy)Quantizer.Prepare(fp,
            Config ?? throw new InvalidOperationException("FP32 has no prepared network."), seed: Seed);
        if (QuantizesActivations)
        {
            var batch = PolicyBatch.FromDemonstrations(Demos, Enumerable.Range(0, Demos.Steps).ToArray());
            Quantizer.CalibrateActivations(prepared, [batch], b => prepared.Predict(b));
        }
        prepared.Eval();
        return prepared;
    }

    /// <summary>
    /// Observation of demo step <paramref name="step"/> with its command replaced by <paramref name="command"/>.
    /// </summary>
    public static Observation At(int step, int command)
    {
        var d = Demos;
        int pixels = d.ImageShape!.Aggregate(1, (a, b) => a * b);
        return new Observation([d.States![step]], d.Images!.AsSpan(step * pixels, pixels).ToArray(), null, command);
    }

    /// <summary><paramref name="count"/> demo steps spread over the demonstrations, each under every command.</summary>
    public static IEnumerable<Observation> Observations(int count)
    {
        for (int i = 0; i < count; i++)
        {
            int step = (int)((long)i * Demos.Steps / count);
            for (int command = 0; command < Spec.CommandCount; command++) yield return At(step, command);
        }
    }
}
