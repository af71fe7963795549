using Microsoft.ML.OnnxRuntime;
using Qail.Envs;
using Qail.Onnx;

namespace Qail.Perf.Policies;

/// <summary>
/// An exported policy in ONNX Runtime with its inputs (from one observation) and action output bound once (IO
/// binding): a timed call is the model's work only. CPU provider, sequential execution, intra-op threads as asked.
/// </summary>
internal sealed class OnnxPolicySession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _run = new();
    private readonly List<OrtValue> _values = [];

    public OnnxPolicySession(byte[] model, int threads, Observation observation, int actions)
    {
        var optimized = Path.Combine(Path.GetTempPath(), $"qail-ort-optimized-{Environment.ProcessId}.onnx");
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            OptimizedModelFilePath = optimized,
        };
        _session = new InferenceSession(model, _options);
        Operators = OnnxModelContents.DescribeOperators(File.ReadAllBytes(optimized));
        File.Delete(optimized);
        _binding = _session.CreateIoBinding();
        foreach (var (name, meta) in _session.InputMetadata)
        {
            var value = name switch
            {
                "state" => OrtValue.CreateTensorValueFromMemory(observation.State!, [1, observation.State!.Length]),
                "image" => OrtValue.CreateTensorValueFromMemory(observation.Image!,
                    [.. meta.Dimensions.Select(d => (long)d)]),
                "instruction" => OrtValue.CreateTensorValueFromMemory(
                    Array.ConvertAll(observation.Instruction!, t => (long)t), [observation.Instruction!.Length]),
                _ => OrtValue.CreateTensorValueFromMemory(new long[] { observation.Command!.Value }, [1]),
            };
            _values.Add(value);
            _binding.BindInput(name, value);
        }
        var output = OrtValue.CreateTensorValueFromMemory(new float[actions], [1, actions]);
        _values.Add(output);
        _binding.BindOutput("action", output);
    }

    /// <summary>The operators ONNX Runtime runs after its graph optimizations, counted by type.</summary>
    public string Operators { get; }

    /// <summary>Acts once on the bound observation.</summary>
    public void Run() => _session.RunWithBinding(_run, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
        foreach (var value in _values) value.Dispose();
    }
}
