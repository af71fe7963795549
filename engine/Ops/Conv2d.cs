using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

/// <summary>Stride, zero padding, dilation and groups of a 2-D convolution (NCHW).</summary>
public readonly record struct Conv2dOptions(int StrideH = 1, int StrideW = 1, int PaddingH = 0, int PaddingW = 0, int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    /// <summary>The same stride, padding and dilation in both spatial dims.</summary>
    public static Conv2dOptions Uniform(int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        new(stride, stride, padding, padding, dilation, dilation, groups);

    /// <summary>Output size along one spatial dim: (in + 2 pad - dil (k - 1) - 1) / stride + 1.</summary>
    public static int OutputSize(int input, int kernel, int stride, int padding, int dilation) =>
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

public sealed partial class Tensor
{
    /// <summary>2-D convolution (cross-correlation) of input [N, C, H, W] with weight [O, C/groups, kH, kW] plus optional bias [O], by im2col + GEMM.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, Conv2dOptions options)
    {
        const string op = nameof(Conv2d);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var g = ConvGeometry.Create(op, input.ShapeSpan, weight.ShapeSpan, options);
        input.HostStorage(op);
        weight.HostStorage(op);
        CheckSameDType(op, input, weight);
        input.RequireFloat(op);
        if (bias is not null)
        {
            bias.HostStorage(op);
            CheckSameDType(op, input, bias);
            if (bias.Rank != 1 || bias._shape[0] != g.O)
                throw new ArgumentException($"Conv2d: bias shape {Shapes.Format(bias.ShapeSpan)} must be [{g.O}] for weight {Shapes.Format(weight.ShapeSpan)}.", nameof(bias));
        }
        var x = input.Contiguous();
        var w = weight.Contiguous().Reshape(g.O, g.K);
        var result = Zeros([g.N, g.O, g.OH, g.OW], input.DType);
        var col = Zeros([g.K, g.L], input.DType);
        for (int n = 0; n < g.N; n++)
        {
            for (int grp = 0; grp < g.Groups; grp++)
            {
                long inOffset = x.Offset + ((long)n * g.C + grp * g.Cg) * g.H * g.W;
                if (input.DType == DType.Float32) Im2Col(x.HostStorage().AsSpan<float>(), inOffset, g, col.AsSpan<float>());
                else Im2Col(x.HostStorage().AsSpan<double>(), inOffset, g, col.AsSpan<double>());
                Gemm(w.Slice(0, grp * g.Og, (grp + 1) * g.Og), col, result, ((long)n * g.O + grp * g.Og) * g.L, beta: 0);
            }
        }
        if (bias is not null && result.ElementCount > 0) AddBroadcastInto(result, bias.Reshape(1, g.O, 1, 1));
        return result;
    }

    /// <summary>Gradient of <see cref="Conv2d"/> with respect to its input (shape <paramref name="inputShape"/>), by GEMM + col2im.</summary>
    public static Tensor Conv2dBackwardInput(Tensor gradOutput, Tensor weight, ReadOnlySpan<int> inputShape, Conv2dOptions options)
    {
        const string op = nameof(Conv2dBackwardInput);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(weight);
        var g = ConvGeometry.Create(op, inputShape, weight.ShapeSpan, options);
        gradOutput.HostStorage(op);
        weight.HostStorage(op);
        CheckSameDType(op, gradOutput, weight);
        gradOutput.RequireFloat(op);
        g.CheckGradOutput(op, gradOutput);
        var gy = gradOutput.Contiguous();
        var w = weight.Contiguous().Reshape(g.O, g.K);
        var result = Zeros(inputShape, gradOutput.DType);
        var col = Zeros([g.K, g.L], gradOutput.DType);
        for (int n = 0; n < g.N; n++)
        {
            for (int grp = 0; grp < g.Groups; grp++)
            {
                var gyGroup = new Tensor(gy.Storage, [g.Og, g.L], [g.L, 1], gy.Offset + ((long)n * g.O + grp * g.Og) * g.L);
                Gemm(w.Slice(0, grp * g.Og, (grp + 1) * g.Og).T, gyGroup, col, 0, beta: 0);
                long inOffset = ((long)n * g.C + grp * g.Cg) * g.H * g.W;
                if (gradOutput.DType == DType.Float32) Col2Im(col.AsSpan<float>(), g, result.AsSpan<float>(), inOffset);
                else Col2Im(col.AsSpan<double>(), g, result.AsSpan<double>(), inOffset);
            }
        }
        return result;
    }

    /// <summary>Gradient of <see cref="Conv2d"/> with respect to its weight (shape <paramref name="weightShape"/>), by im2col + GEMM.</summary>
    public static Tensor Conv2dBackwardWeight(Tensor gradOutput, Tensor input, ReadOnlySpan<int> weightShape, Conv2dOptions options)
    {
        const string op = nameof(Conv2dBackwardWeight);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(input);
        var g = ConvGeometry.Create(op, input.ShapeSpan, weightShape, options);
        gradOutput.HostStorage(op);
        input.HostStorage(op);
        CheckSameDType(op, gradOutput, input);
        gradOutput.RequireFloat(op);
        g.CheckGradOutput(op, gradOutput);
        var gy = gradOutput.Contiguous();
        var x = input.Contiguous();
        var result = Zeros([g.O, g.K], gradOutput.DType);
        var col = Zeros([g.K, g.L], gradOutput.DType);
        for (int n = 0; n < g.N; n++)
        {
            for (int grp = 0; grp < g.Groups; grp++)
            {
                long inOffset = x.Offset + ((long)n * g.C + grp * g.Cg) * g.H * g.W;
                if (input.DType == DType.Float32) Im2Col(x.HostStorage().AsSpan<float>(), inOffset, g, col.AsSpan<float>());
                else Im2Col(x.HostStorage().AsSpan<double>(), inOffset, g, col.AsSpan<double>());
                var gyGroup = new Tensor(gy.Storage, [g.Og, g.L], [g.L, 1], gy.Offset + ((long)n * g.O + grp * g.Og) * g.L);
                Gemm(gyGroup, col.T, result, (long)grp * g.Og * g.K, beta: 1);
            }
        }
        return result.Reshape(weightShape.ToArray());
    }

    // Unfolds the Cg input planes at inOffset into col [Cg*kH*kW, OH*OW]; padding reads as zero.
    private static void Im2Col<T>(ReadOnlySpan<T> x, long inOffset, ConvGeometry g, Span<T> col) where T : unmanaged, INumber<T>
    {
        var o = g.Options;
        for (int c = 0; c < g.Cg; c++)
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
        {
            var row = col.Slice(((c * g.KH + ki) * g.KW + kj) * g.L, g.L);
            long plane = inOffset + (long)c * g.H * g.W;
            for (int oh = 0; oh < g.OH; oh++)
            {
                int ih = oh * o.StrideH - o.PaddingH + ki * o.DilationH;
                var outRow = row.Slice(oh * g.OW, g.OW);
                if (ih < 0 || ih >= g.H) { outRow.Clear(); continue; }
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int iw = ow * o.StrideW - o.PaddingW + kj * o.DilationW;
                    outRow[ow] = iw >= 0 && iw < g.W ? x[(int)(plane + (long)ih * g.W + iw)] : T.Zero;
                }
            }
        }
    }

    // Folds col [Cg*kH*kW, OH*OW] back, accumulating into the Cg planes of dx at inOffset (the adjoint of Im2Col).
    private static void Col2Im<T>(ReadOnlySpan<T> col, ConvGeometry g, Span<T> dx, long inOffset) where T : unmanaged, INumber<T>
    {
        var o = g.Options;
        for (int c = 0; c < g.Cg; c++)
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
        {
            var row = col.Slice(((c * g.KH + ki) * g.KW + kj) * g.L, g.L);
            long plane = inOffset + (long)c * g.H * g.W;
            for (int oh = 0; oh < g.OH; oh++)
            {
                int ih = oh * o.StrideH - o.PaddingH + ki * o.DilationH;
                if (ih < 0 || ih >= g.H) continue;
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int iw = ow * o.StrideW - o.PaddingW + kj * o.DilationW;
                    if (iw >= 0 && iw < g.W) dx[(int)(plane + (long)ih * g.W + iw)] += row[oh * g.OW + ow];
                }
            }
        }
    }

    // Adds a broadcastable addend into a contiguous target in place.
    private static void AddBroadcastInto(Tensor target, Tensor addend) => Add(target, addend).CopyTo(target);

    /// <summary>Sizes of one convolution, validated once.</summary>
    private sealed record ConvGeometry(int N, int C, int H, int W, int O, int KH, int KW, int OH, int OW, Conv2dOptions Options)
    {
        public int Groups => Options.Groups;
        public int Cg => C / Groups;
        public int Og => O / Groups;
        public int K => Cg * KH * KW;
        public int L => OH * OW;

        public static ConvGeometry Create(string op, ReadOnlySpan<int> input, ReadOnlySpan<int> weight, Conv2dOptions o)
        {
            if (input.Length != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W], got {Shapes.Format(input)}.", nameof(input));
            if (weight.Length != 4) throw new ArgumentException($"{op}: weight must be [O, C/groups, kH, kW], got {Shapes.Format(weight)}.", nameof(weight));
            if (o.StrideH < 1 || o.StrideW < 1 || o.DilationH < 1 || o.DilationW < 1 || o.PaddingH < 0 || o.PaddingW < 0 || o.Groups < 1)
                throw new ArgumentException($"{op}: invalid options {o} (strides, dilations and groups must be >= 1, padding >= 0).");
            if (input.ToArray().Any(d => d < 0) || weight.ToArray().Any(d => d < 0) || weight[2] < 1 || weight[3] < 1)
                throw new ArgumentException($"{op}: invalid shapes input {Shapes.Format(input)}, weight {Shapes.Format(weight)}.");
            int c = input[1], groups = o.Groups;
            if (c % groups != 0 || weight[0] % groups != 0 || weight[1] * groups != c)
                throw new ArgumentException(
                    $"{op}: input {Shapes.Format(input)} and weight {Shapes.Format(weight)} do not match with {groups} groups (need C = weight[1] * groups and O divisible by groups).");
            int oh = Conv2dOptions.OutputSize(input[2], weight[2], o.StrideH, o.PaddingH, o.DilationH);
            int ow = Conv2dOptions.OutputSize(input[3], weight[3], o.StrideW, o.PaddingW, o.DilationW);
            if (input[2] + 2 * o.PaddingH < o.DilationH * (weight[2] - 1) + 1 || input[3] + 2 * o.PaddingW < o.DilationW * (weight[3] - 1) + 1)
                throw new ArgumentException($"{op}: kernel {Shapes.Format(weight[2..])} (dilated) is larger than the padded input {Shapes.Format(input)} with {o}.");
            return new ConvGeometry(input[0], c, input[2], input[3], weight[0], weight[2], weight[3], oh, ow, o);
        }

        public void CheckGradOutput(string op, Tensor gradOutput)
        {
            int[] expected = [N, O, OH, OW];
            if (!Shapes.Equal(gradOutput.ShapeSpan, expected))
                throw new ArgumentException($"{op}: gradOutput shape {Shapes.Format(gradOutput.ShapeSpan)} must be {Shapes.Format(expected)}.", nameof(gradOutput));
        }
    }
}
