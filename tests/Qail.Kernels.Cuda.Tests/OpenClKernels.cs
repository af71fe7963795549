using Qail.Kernels.Cpu;
using Qail.Kernels.Cuda;

namespace Qail.Kernels.Cuda.Tests;

/// <summary>
/// The portable kernels on an OpenCL device, host arrays in and out: the same source and semantics as the CUDA
/// versions (quantize / dequantize per group, int4 dequantize, int4 GEMV, elementwise).
/// </summary>
public sealed class OpenClKernels(OpenClDevice device)
{
    private readonly OpenClDevice _device = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>
    /// q = clamp(round_half_to_even(x / s[g]) + z[g], qMin, qMax), g = i / groupSize; x must hold no NaN.
    /// </summary>
    public sbyte[] Quantize(ReadOnlySpan<float> x, ReadOnlySpan<float> scales, ReadOnlySpan<int> zeroPoints,
        int groupSize, int qMin, int qMax)
    {
        CheckGroups("OpenClKernels.Quantize", x.Length, scales.Length, zeroPoints.Length, groupSize);
        if (qMin < -128 || qMax > 127 || qMin > qMax)
            throw new ArgumentException($"OpenClKernels.Quantize: code range {qMin}..{qMax} must lie in -128..127.",
                nameof(qMin));
        foreach (var v in x)
            if (float.IsNaN(v)) throw new ArgumentException("OpenClKernels.Quantize: input contains NaN.", nameof(x));
        var n = x.Length;
        return Run<sbyte>(n, "quantize_groups", [_device.Buffer(x), _device.Buffer(scales), _device.Buffer(zeroPoints)],
            (bufs, q) => [bufs[0], bufs[1], bufs[2], q, n, groupSize, qMin, qMax]);
    }

    /// <summary>x = (q - z[g]) * s[g].</summary>
    public float[] Dequantize(ReadOnlySpan<sbyte> q, ReadOnlySpan<float> scales, ReadOnlySpan<int> zeroPoints,
        int groupSize)
    {
        CheckGroups("OpenClKernels.Dequantize", q.Length, scales.Length, zeroPoints.Length, groupSize);
        var n = q.Length;
        return Run<float>(n, "dequantize_groups",
            [_device.Buffer(q), _device.Buffer(scales), _device.Buffer(zeroPoints)],
            (bufs, x) => [bufs[0], bufs[1], bufs[2], x, n, groupSize]);
    }

    /// <summary>W[N, K] in fp32 from group-wise int4 weights.</summary>
    public float[] DequantizeInt4(GroupwiseInt4Weights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Run<float>(weights.Rows * weights.Columns, "int4_dequantize", Upload(weights),
            (b, w) =>
            [b[0], b[1], b[2], weights.IsSymmetric ? 1 : 0, w, weights.Rows, weights.Columns, weights.GroupSize]);
    }

    /// <summary>y[b, n] = sum_k x[b, k] W[n, k] + bias[n] (bias empty or [N]); x is fp32 [batch, K].</summary>
    public float[] Int4Gemv(GroupwiseInt4Weights weights, ReadOnlySpan<float> x, int batch,
        ReadOnlySpan<float> bias = default)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (batch < 1 || x.Length != (long)batch * weights.Columns)
            throw new ArgumentException(
                $"OpenClKernels.Int4Gemv: x length {x.Length} != batch {batch} * K {weights.Columns}.", nameof(x));
        if (!bias.IsEmpty && bias.Length != weights.Rows)
            throw new ArgumentException($"OpenClKernels.Int4Gemv: bias length {bias.Length} != N {weights.Rows}.",
                nameof(bias));
        var buffers = Upload(weights);
        buffers.Add(_device.Buffer(x));
        buffers.Add(_device.Buffer(bias));
        var hasBias = bias.IsEmpty ? 0 : 1;
        return Run<float>(weights.Rows * batch, "int4_gemv", buffers,
            (b, y) => [b[0], b[1], b[2], weights.IsSymmetric ? 1 : 0, b[3], b[4], hasBias, y, weights.Rows,
                weights.Columns, weights.GroupSize, batch]);
    }

    /// <summary>Elementwise binary op: "ew_add", "ew_sub" or "ew_mul".</summary>
    public float[] Binary(string kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (kernel is not ("ew_add" or "ew_sub" or "ew_mul"))
            throw new ArgumentException($"OpenClKernels.Binary: unknown kernel '{kernel}'.", nameof(kernel));
        if (a.Length != b.Length || a.Length == 0)
            throw new ArgumentException(
                $"OpenClKernels.{kernel}: lengths {a.Length} and {b.Length} must be equal and >= 1.", nameof(b));
        var n = a.Length;
        return Run<float>(n, kernel, [_device.Buffer(a), _device.Buffer(b)], (bufs, y) => [bufs[0], bufs[1], y, n]);
    }

    /// <summary>y = max(a, 0), NaN kept.</summary>
    public float[] Relu(ReadOnlySpan<float> a)
    {
        if (a.Length == 0) throw new ArgumentException("OpenClKernels.Relu: input is empty.", nameof(a));
        var n = a.Length;
        return Run<float>(n, "ew_relu", [_device.Buffer(a)], (bufs, y) => [bufs[0], y, n]);
    }

    /// <summary>y = a * alpha.</summary>
    public float[] Scale(ReadOnlySpan<float> a, float alpha)
    {
        if (a.Length == 0) throw new ArgumentException("OpenClKernels.Scale: input is empty.", nameof(a));
        var n = a.Length;
        return Run<float>(n, "ew_scale", [_device.Buffer(a)], (bufs, y) => [bufs[0], alpha, y, n]);
    }

    private List<IntPtr> Upload(GroupwiseInt4Weights w) =>
        [_device.Buffer<byte>(w.Codes), _device.Buffer<float>(w.Scales), _device.Buffer<byte>(w.ZeroPoints ?? [])];

    private T[] Run<T>(int outputs, string kernel, List<IntPtr> inputs,
        Func<List<IntPtr>, IntPtr, OpenClArgument[]> arguments) where T : unmanaged
    {
        var output = _device.Buffer<T>(outputs);
        try
        {
            _device.Run(kernel, outputs, arguments(inputs, output));
            return _device.Read<T>(output, outputs);
        }
        finally
        {
            _device.Release(output);
            foreach (var b in inputs) _device.Release(b);
        }
    }

    private static void CheckGroups(string op, int n, int scales, int zeros, int groupSize)
    {
        if (n < 1 || groupSize < 1 || n % groupSize != 0)
            throw new ArgumentException($"{op}: groupSize {groupSize} must divide length {n} (both >= 1).",
                nameof(groupSize));
        if (scales != n / groupSize || zeros != n / groupSize)
            throw new ArgumentException(
                $"{op}: scales {scales} and zeroPoints {zeros} must each hold {n / groupSize} groups.", nameof(scales));
    }
}
