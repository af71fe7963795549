using Qail.Quantization;
using Qail.Training;

namespace Qail.Experiments;

/// <summary>Everything one FP-versus-quantized study needs: env, data sizes, model, config, methods, seeds.</summary>
public sealed record StudyOptions
{
    /// <summary>Registered env name.</summary>
    public string Env { get; init; } = "cartpole-balance";

    /// <summary>Expert episodes to imitate.</summary>
    public int DemoEpisodes { get; init; } = 40;

    /// <summary>DART noise added to executed expert actions (labels stay clean).</summary>
    public double DemoNoise { get; init; } = 0.1;

    /// <summary>Closed-loop evaluation episodes per policy.</summary>
    public int EvalEpisodes { get; init; } = 20;

    /// <summary>Hidden widths of the MLP policy.</summary>
    public int[] Hidden { get; init; } = [256, 256];

    /// <summary>Quantization to study.</summary>
    public QuantConfig Config { get; init; } = QuantConfig.W4(groupSize: 32);

    /// <summary>Methods to compare with the full-precision policy.</summary>
    public IReadOnlyList<QuantMethod> Methods { get; init; } = [QuantMethod.Ptq, QuantMethod.Qat, QuantMethod.QailQbc, QuantMethod.Sqil, QuantMethod.OnPolicy];

    /// <summary>Behaviour-cloning settings of the full-precision policy.</summary>
    public TrainOptions Training { get; init; } = new() { Epochs = 20 };

    /// <summary>Fine-tuning settings shared by the QAT-family methods (QbcWeight is set per method).</summary>
    public QailOptions FineTuning { get; init; } = new();

    /// <summary>Seed of everything: demonstrations, initialisation, batches, evaluation episodes.</summary>
    public int Seed { get; init; }

    /// <summary>First evaluation episode seed; null derives it from <see cref="Seed"/> (see QuantizationStudy.EvaluationSeed).</summary>
    public int? EvaluationSeed { get; init; }
}
