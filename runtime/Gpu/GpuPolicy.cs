using Qail.Kernels.Cuda;

namespace Qail.Runtime.Gpu;

/// <summary>
/// A <see cref="DeployedPolicy"/> run on a GPU (CUDA) or any OpenCL device: the same graph, each op lowered
/// to the portable kernels of Kernels/policy.cu, weights uploaded once. One action costs one upload per graph input,
/// the queued kernels (one CUDA graph replay where the device records) and one download of the action. Integer
/// layers, copies and layer norm give the CPU runtime's bits; fp32 and int4 dot products, tanh, exp and softmax
/// differ by float rounding only. One instance serves one thread; <see cref="Replicate"/> shares the weights.
/// </summary>
public sealed class GpuPolicy : IDeployedPolicy, IDisposable
{
    private readonly GpuProgram _program;
    private readonly GpuPolicyOptions _options;
    private readonly GpuWorkspace _workspace;
    private readonly IRecordedLaunches? _recorded;
    private readonly float[] _result;
    private bool _disposed;

    private GpuPolicy(string label, string precision, GpuProgram program, GpuPolicyOptions options)
    {
        (Label, Precision, _program, _options) = (label, precision, program, options);
        _workspace = program.NewWorkspace();
        _result = new float[program.ActionSize + 1];
        try
        {
            _recorded = Record();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Uploads <paramref name="policy"/> to <paramref name="device"/> (see <see cref="ComputeDevices.TryGet"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">The graph has an op whose device form needs what this graph lacks (e.g.
    /// a command computed by an op).</exception>
    public static GpuPolicy Create(DeployedPolicy policy, IComputeDevice device, GpuPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(device);
        options ??= new GpuPolicyOptions();
        return new GpuPolicy(policy.Label, policy.Precision, GpuBuilder.Build(device, policy.Graph, options), options);
    }

    /// <inheritdoc/>
    public string Label { get; }

    /// <summary>The weight format, as the CPU policy's.</summary>
    public string Precision { get; }

    /// <inheritdoc/>
    public IReadOnlyList<GraphInput> Inputs => _program.Inputs;

    /// <inheritdoc/>
    public int ActionSize => _program.ActionSize;

    /// <summary>The device the policy runs on.</summary>
    public string Device => _program.Device.Name;

    /// <summary>Kernel launches per action.</summary>
    public int Launches => _program.Kernels.Length;

    /// <summary>True when the launches replay as one recorded CUDA graph.</summary>
    public bool Recorded => _recorded is not null;

    /// <summary>
    /// Why a device that can record did not (the driver refused the capture), or null; the policy then launches
    /// eagerly.
    /// </summary>
    public string? RecordingProblem { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The inputs lack a part the policy reads or hold a value it refuses, or a NaN
    /// reached a quantized layer.</exception>
    public void Act(in PolicyInputs inputs, Span<float> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (action.Length != _program.ActionSize)
            throw new ArgumentException($"GpuPolicy.Act: the action span holds {action.Length} values, the policy "
                + $"writes {_program.ActionSize}.", nameof(action));
        Run(inputs);
        // As the CPU runtime: weights that overflow on these inputs are refused rather than acted on.
        for (int i = 0; i < _program.ActionSize; i++)
            if (!float.IsFinite(_result[i]))
                throw new InvalidDataException($"GpuPolicy.Act: '{Label}' computed action[{i}] = {_result[i]}; its "
                    + "weights overflow on these inputs.");
        _result.AsSpan(0, _program.ActionSize).CopyTo(action);
    }

    /// <summary>The action for <paramref name="inputs"/>, in a new array.</summary>
    public float[] Act(in PolicyInputs inputs)
    {
        var action = new float[ActionSize];
        Act(inputs, action);
        return action;
    }

    private void Run(in PolicyInputs policyInputs)
    {
        var inputs = _workspace.HostInputs;
        for (int i = 0; i < inputs.Length; i++) _program.Inputs[i].Fill(policyInputs, inputs[i]);
        foreach (var check in _program.Checks) check.Run(inputs);
        var device = _program.Device;
        for (int i = 0; i < inputs.Length; i++)
            device.Write<float>(_workspace.Values, 4 * _program.SlotOffsets[i], inputs[i]);
        if (_recorded is not null) _recorded.Replay();
        else EnqueueKernels();
        device.Read<float>(_workspace.Values, 4 * _program.ActionOffset, _result);
        if (_result[^1] != 0)
        {
            device.Write<float>(_workspace.Values, 4 * (_program.ActionOffset + _program.ActionSize), [0f]);
            throw new ArgumentException($"GpuPolicy {Label}: a NaN reached the input of a quantized layer (an input or "
                + "a layer's output is not finite).", "inputs");
        }
    }

    /// <summary>
    /// Another instance on the same device sharing the uploaded weights, with its own arena (and recording).
    /// </summary>
    public GpuPolicy Replicate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new GpuPolicy(Label, Precision, _program, _options);
    }

    IDeployedPolicy IDeployedPolicy.Replicate() => Replicate();

    /// <summary>Frees the instance's arena and recording, and the weights once no instance uses them.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _recorded?.Dispose();
        _workspace.Dispose();
        _program.Release();
    }

    /// <summary>
    /// Runs node <paramref name="node"/> alone on <paramref name="slots"/> (every graph value, e.g. a CPU run's) and
    /// returns its output: the per-op comparison with the CPU runtime (build with ReLU folding off).
    /// </summary>
    internal float[] RunNode(int node, IReadOnlyList<float[]> slots)
    {
        var device = _program.Device;
        for (int slot = 0; slot < slots.Count; slot++)
            device.Write<float>(_workspace.Values, 4 * _program.SlotOffsets[slot], slots[slot]);
        for (int i = 0; i < _program.Inputs.Count; i++) slots[i].CopyTo(_workspace.HostInputs[i], 0);
        foreach (var check in _program.NodeChecks(node)) check.Run(_workspace.HostInputs);
        foreach (var kernel in _program.NodeKernels(node)) kernel.Enqueue(_workspace);
        int output = _program.Inputs.Count + node;
        var values = new float[_program.SlotSize(output)];
        device.Read<float>(_workspace.Values, 4 * _program.SlotOffsets[output], values);
        return values;
    }

    // One eager pass on the zeroed arena first: it compiles and loads the kernels outside the capture and surfaces a
    // launch fault here rather than inside a graph. Zero inputs are valid for every check (command 0, word id 0).
    private IRecordedLaunches? Record()
    {
        var device = _program.Device;
        if (!_options.RecordLaunches || !device.CanRecord) return null;
        EnqueueKernels();
        device.Read<float>(_workspace.Values, 4 * _program.ActionOffset, _result);
        IRecordedLaunches? recorded = null;
        try
        {
            recorded = device.Record(EnqueueKernels);
        }
        catch (CudaException e)
        {
            RecordingProblem = e.Message;
        }
        device.Write<float>(_workspace.Values, 4 * (_program.ActionOffset + _program.ActionSize), [0f]);
        return recorded;
    }

    private void EnqueueKernels()
    {
        foreach (var kernel in _program.Kernels) kernel.Enqueue(_workspace);
    }
}
