using Microsoft.ML.OnnxRuntime;

namespace Qail.Perf.Quantized;

/// <summary>
/// A one-node ONNX Runtime session with its input and output bound once (IO binding), so a timed call is only
/// the operator's work: no per-call allocation or name lookup. CPU provider, intra-op threads as asked.
/// </summary>
internal sealed class OnnxPeer : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _run = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;

    public OnnxPeer(byte[] model, int threads, OrtValue input, OrtValue output)
    {
        _options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(model, _options);
        _input = input;
        _output = output;
        _binding = _session.CreateIoBinding();
        _binding.BindInput("A", _input);
        _binding.BindOutput("Y", _output);
    }

    /// <summary>Runs the model once on the bound buffers.</summary>
    public void Run() => _session.RunWithBinding(_run, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
        _input.Dispose();
        _output.Dispose();
    }
}
