using System.Numerics;

namespace Qail.Engine;

/// <summary>Window, stride and padding of a 2-D pooling (NCHW); padding is at most half the window.</summary>
public readonly record struct Pool2dOptions(int KernelH, int KernelW, int StrideH, int StrideW, int PaddingH = 0,
    int PaddingW = 0)
{
    /// <summary>A square window; the stride defaults to the window size.</summary>
    public static Pool2dOptions Square(int kernel, int? stride = null, int padding = 0) =>
        new(kernel, kernel, stride ?? kernel, stride ?? kernel, padding, padding);
}

public sealed partial class Tensor
{
    /// <summary>Max pooling of [N, C, H, W]; padding never wins (it acts as -inf).</summary>
    public static Tensor MaxPool2d(Tensor input, Pool2dOptions options) => MaxPool2dWithIndices(input, options).Values;

    /// <summary>
    /// Max pooling that also returns, per output, the int32 flat index (h * W + w) of the winner within its input
    /// plane.
    /// </summary>
    public static (Tensor Values, Tensor Indices) MaxPool2dWithIndices(Tensor input, Pool2dOptions options)
    {
        const string op = nameof(MaxPool2d);
        ArgumentNullException.ThrowIfNull(input);
        var (oh, ow) = PoolOutput(op, input.ShapeSpan, options);
        input.HostStorage(op);
        input.RequireFloat(op);
        int[] shape = [input._shape[0], input._shape[1], oh, ow];
        var values = Zeros(shape, input.DType);
        var indices = Zeros(shape, DType.Int32);
        if (input.DType == DType.Float32)
            MaxPoolPlanes(input.Contiguous().AsSpan<float>(), input.ShapeSpan, options, values.AsSpan<float>(),
                indices.AsSpan<int>());
        else
            MaxPoolPlanes(input.Contiguous().AsSpan<double>(), input.ShapeSpan, options, values.AsSpan<double>(),
                indices.AsSpan<int>());
        return (values, indices);
    }

    /// <summary>
    /// Gradient of max pooling: each output gradient goes to the input element its index names (accumulating on ties of
    /// windows).
    /// </summary>
    public static Tensor MaxPool2dBackward(Tensor gradOutput, Tensor indices, ReadOnlySpan<int> inputShape)
    {
        const string op = nameof(MaxPool2dBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(indices);
        gradOutput.HostStorage(op);
        gradOutput.RequireFloat(op);
        if (inputShape.Length != 4 || gradOutput.Rank != 4 || gradOutput._shape[0] != inputShape[0]
            || gradOutput._shape[1] != inputShape[1])
            throw new ArgumentException($"{op}: gradOutput {Shapes.Format(gradOutput.ShapeSpan)} does not fit input "
                + $"shape {Shapes.Format(inputShape)} (both [N, C, H, W]).", nameof(gradOutput));
        if (!Shapes.Equal(gradOutput.ShapeSpan, indices.ShapeSpan))
            throw new ArgumentException($"{op}: gradOutput {Shapes.Format(gradOutput.ShapeSpan)} and indices "
                + $"{Shapes.Format(indices.ShapeSpan)} differ.", nameof(indices));
        int planeSize = inputShape[2] * inputShape[3];
        var idx = ReadIndices(op, indices, 2, planeSize, vector: false);
        var result = Zeros(inputShape, gradOutput.DType);
        int perPlane = gradOutput._shape[2] * gradOutput._shape[3];
        if (gradOutput.DType == DType.Float32)
            ScatterPlanes(gradOutput.Contiguous().AsSpan<float>(), idx, perPlane, planeSize, result.AsSpan<float>());
        else ScatterPlanes(gradOutput.Contiguous().AsSpan<double>(), idx, perPlane, planeSize, result.AsSpan<double>());
        return result;
    }

    /// <summary>
    /// Average pooling of [N, C, H, W]; padding counts as zeros and the divisor is always the window area.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, Pool2dOptions options)
    {
        const string op = nameof(AvgPool2d);
        ArgumentNullException.ThrowIfNull(input);
        var (oh, ow) = PoolOutput(op, input.ShapeSpan, options);
        input.HostStorage(op);
        input.RequireFloat(op);
        var result = Zeros([input._shape[0], input._shape[1], oh, ow], input.DType);
        if (input.DType == DType.Float32)
            AvgPoolPlanes(input.Contiguous().AsSpan<float>(), input.ShapeSpan, options, result.AsSpan<float>(),
                backward: false);
        else
            AvgPoolPlanes(input.Contiguous().AsSpan<double>(), input.ShapeSpan, options, result.AsSpan<double>(),
                backward: false);
        return result;
    }

    /// <summary>
    /// Gradient of <see cref="AvgPool2d"/>: each output gradient spread evenly over its window's in-bounds elements.
    /// </summary>
    public static Tensor AvgPool2dBackward(Tensor gradOutput, ReadOnlySpan<int> inputShape, Pool2dOptions options)
    {
        const string op = nameof(AvgPool2dBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        var (oh, ow) = PoolOutput(op, inputShape, options);
        gradOutput.HostStorage(op);
        gradOutput.RequireFloat(op);
        int[] expected = [inputShape[0], inputShape[1], oh, ow];
        if (!Shapes.Equal(gradOutput.ShapeSpan, expected))
            throw new ArgumentException(
                $"{op}: gradOutput shape {Shapes.Format(gradOutput.ShapeSpan)} must be {Shapes.Format(expected)}.",
                nameof(gradOutput));
        var result = Zeros(inputShape, gradOutput.DType);
        if (gradOutput.DType == DType.Float32)
            AvgPoolPlanes(result.AsSpan<float>(), inputShape, options, gradOutput.Contiguous().AsSpan<float>(),
                backward: true);
        else
            AvgPoolPlanes(result.AsSpan<double>(), inputShape, options, gradOutput.Contiguous().AsSpan<double>(),
                backward: true);
        return result;
    }

    /// <summary>Mean over the spatial dims of [N, C, H, W], giving [N, C].</summary>
    public static Tensor GlobalAvgPool2d(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
            throw new ArgumentException(
                $"GlobalAvgPool2d: input must be [N, C, H, W], got {Shapes.Format(input.ShapeSpan)}.", nameof(input));
        return input.Mean([2, 3]);
    }

    private static (int OH, int OW) PoolOutput(string op, ReadOnlySpan<int> input, Pool2dOptions o)
    {
        if (input.Length != 4)
            throw new ArgumentException($"{op}: input must be [N, C, H, W], got {Shapes.Format(input)}.",
                nameof(input));
        if (o.KernelH < 1 || o.KernelW < 1 || o.StrideH < 1 || o.StrideW < 1 || o.PaddingH < 0 || o.PaddingW < 0
            || o.PaddingH > o.KernelH / 2 || o.PaddingW > o.KernelW / 2)
            throw new ArgumentException(
                $"{op}: invalid options {o} (kernel and stride >= 1, 0 <= padding <= kernel / 2).");
        if (input[2] + 2 * o.PaddingH < o.KernelH || input[3] + 2 * o.PaddingW < o.KernelW)
            throw new ArgumentException(
                $"{op}: window {o.KernelH}x{o.KernelW} is larger than the padded input {Shapes.Format(input)}.");
        return ((input[2] + 2 * o.PaddingH - o.KernelH) / o.StrideH + 1,
            (input[3] + 2 * o.PaddingW - o.KernelW) / o.StrideW + 1);
    }

    private static void MaxPoolPlanes<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> shape, Pool2dOptions o, Span<T> values,
        Span<int> indices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = shape[2], w = shape[3], planes = shape[0] * shape[1];
        int oh = (h + 2 * o.PaddingH - o.KernelH) / o.StrideH + 1,
            ow = (w + 2 * o.PaddingW - o.KernelW) / o.StrideW + 1;
        int k = 0;
        for (int p = 0; p < planes; p++)
        {
            var plane = x.Slice(p * h * w, h * w);
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++, k++)
            {
                T best = T.NegativeInfinity;
                int bestIndex = -1;
                for (int a = 0; a < o.KernelH; a++)
                {
                    int r = i * o.StrideH - o.PaddingH + a;
                    if (r < 0 || r >= h) continue;
                    for (int b = 0; b < o.KernelW; b++)
                    {
                        int c = j * o.StrideW - o.PaddingW + b;
                        if (c < 0 || c >= w) continue;
                        var v = plane[r * w + c];
                        // The first maximum wins; the first NaN beats everything (NaN propagates).
                        if (bestIndex < 0 || v > best || (T.IsNaN(v) && !T.IsNaN(best)))
                        {
                            best = v;
                            bestIndex = r * w + c;
                        }
                    }
                }
                values[k] = best;
                indices[k] = bestIndex;
            }
        }
    }

    private static void ScatterPlanes<T>(ReadOnlySpan<T> gradOutput, int[] idx, int perPlane, int planeSize,
        Span<T> gradInput)
        where T : unmanaged, INumber<T>
    {
        for (int k = 0; k < idx.Length; k++) gradInput[k / perPlane * planeSize + idx[k]] += gradOutput[k];
    }

    // Forward: out = window sum / area. Backward (the adjoint): each window's input elements get grad / area.
    private static void AvgPoolPlanes<T>(Span<T> x, ReadOnlySpan<int> shape, Pool2dOptions o, Span<T> y, bool backward)
        where T : unmanaged, INumber<T>
    {
        int h = shape[2], w = shape[3], planes = shape[0] * shape[1];
        int oh = (h + 2 * o.PaddingH - o.KernelH) / o.StrideH + 1,
            ow = (w + 2 * o.PaddingW - o.KernelW) / o.StrideW + 1;
        T area = T.CreateChecked(o.KernelH * o.KernelW);
        int k = 0;
        for (int p = 0; p < planes; p++)
        {
            var plane = x.Slice(p * h * w, h * w);
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++, k++)
            {
                T sum = T.Zero;
                T share = backward ? y[k] / area : T.Zero;
                for (int a = 0; a < o.KernelH; a++)
                {
                    int r = i * o.StrideH - o.PaddingH + a;
                    if (r < 0 || r >= h) continue;
                    for (int b = 0; b < o.KernelW; b++)
                    {
                        int c = j * o.StrideW - o.PaddingW + b;
                        if (c < 0 || c >= w) continue;
                        if (backward) plane[r * w + c] += share;
                        else sum += plane[r * w + c];
                    }
                }
                if (!backward) y[k] = sum / area;
            }
        }
    }
}
