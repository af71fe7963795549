using System.Runtime.InteropServices;

namespace Qail.Kernels.Cuda;

/// <summary>
/// CUDA graphs through stream capture (driver 11.4+): a recorded sequence of launches replays with one call, which is
/// what makes a batch-1 policy of dozens of small kernels cheap to launch. Optional: without these exports
/// <see cref="SupportsGraphs"/> is false and callers launch eagerly.
/// </summary>
public sealed unsafe partial class CudaDriver
{
    // CU_STREAM_CAPTURE_MODE_RELAXED: first-use work such as module loading stays legal while a stream captures.
    private const int CaptureModeRelaxed = 2;

    private delegate* unmanaged<IntPtr, int, int> _streamBeginCapture;
    private delegate* unmanaged<IntPtr, IntPtr*, int> _streamEndCapture;
    private delegate* unmanaged<IntPtr*, IntPtr, ulong, int> _graphInstantiate;
    private delegate* unmanaged<IntPtr, IntPtr, int> _graphLaunch;
    private delegate* unmanaged<IntPtr, int> _graphExecDestroy;
    private delegate* unmanaged<IntPtr, int> _graphDestroy;

    /// <summary>True when the driver exports the stream-capture and graph calls.</summary>
    public bool SupportsGraphs => _streamBeginCapture != null && _streamEndCapture != null && _graphInstantiate != null
                                  && _graphLaunch != null && _graphExecDestroy != null && _graphDestroy != null;

    /// <summary>
    /// cuStreamBeginCapture_v2 in relaxed mode: launches on <paramref name="stream"/> are recorded, not run.
    /// </summary>
    public void BeginCapture(IntPtr stream) =>
        Check(_streamBeginCapture(stream, CaptureModeRelaxed), "cuStreamBeginCapture");

    /// <summary>cuStreamEndCapture: the graph of what was recorded since <see cref="BeginCapture"/>.</summary>
    public IntPtr EndCapture(IntPtr stream)
    {
        IntPtr graph;
        Check(_streamEndCapture(stream, &graph), "cuStreamEndCapture");
        return graph;
    }

    /// <summary>cuGraphInstantiateWithFlags(0): an executable graph.</summary>
    public IntPtr InstantiateGraph(IntPtr graph)
    {
        IntPtr exec;
        Check(_graphInstantiate(&exec, graph, 0), "cuGraphInstantiateWithFlags");
        return exec;
    }

    /// <summary>cuGraphLaunch on <paramref name="stream"/>.</summary>
    public void LaunchGraph(IntPtr exec, IntPtr stream) => Check(_graphLaunch(exec, stream), "cuGraphLaunch");

    /// <summary>cuGraphExecDestroy.</summary>
    public void DestroyGraphExec(IntPtr exec) => Check(_graphExecDestroy(exec), "cuGraphExecDestroy");

    /// <summary>cuGraphDestroy.</summary>
    public void DestroyGraph(IntPtr graph) => Check(_graphDestroy(graph), "cuGraphDestroy");

    private void LoadGraphApi(IntPtr lib)
    {
        IntPtr Optional(string symbol) =>
            NativeLibrary.TryGetExport(lib, symbol, out var address) ? address : IntPtr.Zero;
        _streamBeginCapture = (delegate* unmanaged<IntPtr, int, int>)Optional("cuStreamBeginCapture_v2");
        _streamEndCapture = (delegate* unmanaged<IntPtr, IntPtr*, int>)Optional("cuStreamEndCapture");
        _graphInstantiate = (delegate* unmanaged<IntPtr*, IntPtr, ulong, int>)Optional("cuGraphInstantiateWithFlags");
        _graphLaunch = (delegate* unmanaged<IntPtr, IntPtr, int>)Optional("cuGraphLaunch");
        _graphExecDestroy = (delegate* unmanaged<IntPtr, int>)Optional("cuGraphExecDestroy");
        _graphDestroy = (delegate* unmanaged<IntPtr, int>)Optional("cuGraphDestroy");
    }
}
