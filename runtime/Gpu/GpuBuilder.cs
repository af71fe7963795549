using Qail.Kernels.Cuda;

namespace Qail.Runtime.Gpu;

/// <summary>
/// Lowers a <see cref="PolicyGraph"/> to a <see cref="GpuProgram"/>: lays the graph's values out in one float arena
/// (inputs, node outputs, then the fault flag right after the action, then scratch), uploads each op's weights once,
/// and collects the launches and host checks each op's <see cref="RuntimeOp.Lower"/> asks for. With
/// <see cref="GpuPolicyOptions.Fuse"/>, a weight layer absorbs its neighbours where nothing else reads the values
/// between them: the data-movement op before it (it reads through that op's gather table: an implicit-GEMM
/// convolution) and the ReLU after it (applied in its epilogue; both write one arena slot).
/// </summary>
internal sealed class GpuBuilder
{
    private readonly PolicyGraph _graph;
    private readonly long[] _slotOffsets;
    private readonly HashSet<int> _foldedRelus = [];
    private readonly Dictionary<int, (int Mover, int[] Sources)> _foldedGathers = [];
    private ComputeBuffer? _noGather;
    private readonly List<KernelStep> _kernels = [];
    private readonly List<HostCheck> _checks = [];
    private readonly List<ComputeBuffer> _buffers = [];
    private long _values;
    private int _node;

    private GpuBuilder(IComputeDevice device, PolicyGraph graph, GpuPolicyOptions options)
    {
        (Device, _graph) = (device, graph);
        _slotOffsets = new long[graph.Last + 1];
        for (int slot = 0; slot <= graph.Last; slot++)
        {
            _slotOffsets[slot] = _values;
            _values += graph.SlotSize(slot);
        }
        Fault = Offset(_values++);
        if (options.Fuse) Fold();
    }

    public IComputeDevice Device { get; }

    /// <summary>
    /// Arena offset of the fault flag a kernel sets where the CPU runtime would throw (a NaN to quantize).
    /// </summary>
    public int Fault { get; }

    /// <summary>True when the current weight layer applies the ReLU that follows it (see the class summary).</summary>
    public bool ReluFollows => _foldedRelus.Contains(_node + 1);

    /// <summary>Arena offset of the current op's input <paramref name="index"/>.</summary>
    public int Input(int index) => Offset(_slotOffsets[_graph.Nodes[_node].Sources[index]]);

    /// <summary>
    /// Where the current weight layer reads its input: the arena offset, and the gather table of a data-movement op
    /// folded into it (Gathered 1) or a placeholder (Gathered 0).
    /// </summary>
    public (int Offset, ComputeBuffer Gather, int Gathered) LayerInput()
    {
        if (!_foldedGathers.TryGetValue(_node, out var gather)) return (Input(0), _noGather ??= Upload<int>([0]), 0);
        return (Offset(_slotOffsets[_graph.Nodes[gather.Mover].Sources[0]]), Upload<int>(gather.Sources), 1);
    }

    /// <summary>
    /// Queues the current data-movement op as a gather through <paramref name="sources"/> (see
    /// <see cref="RuntimeOp.GatherSources"/>).
    /// </summary>
    public void Gather(int[] sources) =>
        Launch("pol_gather", sources.Length, GpuArgument.Values, Input(0), Output, Upload<int>(sources),
            sources.Length);

    /// <summary>Arena offset of the current op's output.</summary>
    public int Output => Offset(_slotOffsets[_graph.Inputs.Count + _node]);

    /// <summary>
    /// The graph input the current op's input <paramref name="index"/> reads directly, or null when an op computes it.
    /// </summary>
    public int? GraphInput(int index)
    {
        int source = _graph.Nodes[_node].Sources[index];
        return source < _graph.Inputs.Count ? source : null;
    }

    /// <summary>Where the current op sits, for error messages: "op 3 (command_select)".</summary>
    public string Where => $"op {_node} ({_graph.Nodes[_node].Op.Kind})";

    /// <summary>A read-only device copy of <paramref name="data"/>, freed with the program.</summary>
    public ComputeBuffer Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var buffer = Device.Allocate((long)data.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        _buffers.Add(buffer);
        Device.Write(buffer, 0, data);
        return buffer;
    }

    /// <summary>An optional tensor (a bias): its buffer and 1, or a one-value placeholder and 0.</summary>
    public (ComputeBuffer Buffer, int Present) Optional(float[]? data) =>
        data is null ? (Upload<float>([0f]), 0) : (Upload<float>(data), 1);

    /// <summary>Arena offset of <paramref name="count"/> scratch floats for the current op.</summary>
    public int ScratchValues(long count)
    {
        int offset = Offset(_values);
        _values += count;
        Offset(_values);
        return offset;
    }

    /// <summary>Queues <paramref name="kernel"/> over one work-item per value.</summary>
    public void Launch(string kernel, long workItems, params GpuArgument[] arguments) =>
        _kernels.Add(new KernelStep(kernel, CheckedItems(workItems), arguments));

    /// <summary>Queues a *_group kernel: one work-group per output.</summary>
    public void LaunchGroups(string kernel, long groups, params GpuArgument[] arguments) =>
        Launch(kernel, groups * IComputeDevice.GroupSize, arguments);

    /// <summary>Adds a check of the graph inputs that runs on the host before each action is queued.</summary>
    public void Check(HostCheck check) => _checks.Add(check);

    public static GpuProgram Build(IComputeDevice device, PolicyGraph graph, GpuPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        var builder = new GpuBuilder(device, graph, options);
        try
        {
            int nodes = graph.Nodes.Count;
            var firstKernel = new int[nodes + 1];
            var firstCheck = new int[nodes + 1];
            for (builder._node = 0; builder._node < nodes; builder._node++)
            {
                if (!builder._foldedRelus.Contains(builder._node)
                    && !builder._foldedGathers.ContainsKey(builder._node + 1))
                    graph.Nodes[builder._node].Op.Lower(builder);
                firstKernel[builder._node + 1] = builder._kernels.Count;
                firstCheck[builder._node + 1] = builder._checks.Count;
            }
            return new GpuProgram(device, graph, builder._slotOffsets, builder._values, [.. builder._kernels],
                firstKernel,
                [.. builder._checks], firstCheck, [.. builder._buffers]);
        }
        catch
        {
            foreach (var buffer in builder._buffers) buffer.Dispose();
            throw;
        }
    }

    // Node i folds into the weight layer next to it when the value between them has that one reader: a data-movement
    // op just before the layer, a ReLU just after it unless the ReLU writes the action (whose slot the fault flag
    // follows).
    private void Fold()
    {
        var readers = new int[_graph.Last + 1];
        foreach (var node in _graph.Nodes)
            foreach (int source in node.Sources) readers[source]++;
        int first = _graph.Inputs.Count;
        var nodes = _graph.Nodes;
        for (int i = 1; i < nodes.Count; i++)
        {
            int between = first + i - 1;
            if (nodes[i].Sources is not [var source] || source != between || readers[between] != 1) continue;
            if (nodes[i].Op.IsWeightLayer && nodes[i - 1].Op.GatherSources is { } sources)
                _foldedGathers[i] = (i - 1, sources);
            else if (nodes[i].Op is Relu && nodes[i - 1].Op.IsWeightLayer && i < nodes.Count - 1)
            {
                _foldedRelus.Add(i);
                _slotOffsets[first + i] = _slotOffsets[between];
            }
        }
    }

    private static long CheckedItems(long items) => items <= int.MaxValue
        ? items
        : throw new NotSupportedException(
            $"GpuBuilder: a launch of {items} work-items exceeds the 2^31 a device queue takes.");

    // Kernels address the arena with int offsets.
    private static int Offset(long offset) => offset < int.MaxValue
        ? (int)offset
        : throw new NotSupportedException(
            $"GpuBuilder: the policy needs {offset} device values; kernels address at most 2^31.");
}
