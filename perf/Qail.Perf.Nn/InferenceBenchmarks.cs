using BenchmarkDotNet.Attributes;
using Qail.Engine;

namespace Qail.Perf.Nn;

/// <summary>
/// Batch-1 forward (evaluation mode, no graph) of each policy family, the latency a controller sees per step.
/// </summary>
public class InferenceBenchmarks
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
    public Tensor Mlp() => _mlp.ForwardSingle();

    [Benchmark]
    public Tensor Cnn() => _cnn.ForwardSingle();

    [Benchmark]
    public Tensor Transformer() => _transformer.ForwardSingle();
}
