using BenchmarkDotNet.Attributes;

namespace Qail.Perf.Nn;

/// <summary>
/// One training step (forward + backward + AdamW) of each policy family at the sizes of <see cref="PolicyFamily"/>.
/// </summary>
public class TrainingStepBenchmarks
{
    private PolicyFamily _mlp = null!, _cnn = null!, _transformer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _mlp = PolicyFamily.Mlp();
        _cnn = PolicyFamily.Cnn();
        _transformer = PolicyFamily.Transformer();
    }

    [Benchmark]
    public double MlpBatch256() => _mlp.TrainStep();

    [Benchmark]
    public double CnnBatch16() => _cnn.TrainStep();

    [Benchmark]
    public double TransformerBatch16() => _transformer.TrainStep();
}
