using System.Numerics.Tensors;

namespace Qail.Engine;

/// <summary>Stride, zero padding, dilation and groups of a 2-D convolution (NCHW).</summary>
public readonly record struct Conv2dOptions(int StrideH = 1, int StrideW = 1, int PaddingH = 0, int PaddingW = 0,
    int DilationH = 1, int DilationW = 1, int Groups = 1)
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
    /// <summary>
    /// 2-D convolution (cross-correlation) of input [N, C, H, W] with weight [O, C/groups, kH, kW] plus optional
    /// bias [O], by im2col + GEMM over chunks of samples (one GEMM per group and chunk).
    /// </summary>
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
                throw new ArgumentException($"Conv2d: bias shape {Shapes.Format(bias.ShapeSpan)} must be [{g.O}] for "
                    + $"weight {Shapes.Format(weight.ShapeSpan)}.", nameof(bias));
        }
        var x = input.Contiguous();
        var w = weight.Contiguous().Reshape(g.O, g.K);
        // Every plane is written by the GEMMs' scatter below.
        var result = Uninitialized([g.N, g.O, g.OH, g.OW], input.DType);
        if (result.ElementCount == 0) return result;
        int chunk = g.SamplesPerChunk;
        var col = ConvScratch.Matrix(0, g.K, chunk * g.L, input.DType);
        var product = ConvScratch.Matrix(1, g.Og, chunk * g.L, input.DType);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int samples = Math.Min(chunk, g.N - n0);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                Unfold(x, g, n0, samples, grp, col);
                Gemm(w.Slice(0, grp * g.Og, (grp + 1) * g.Og), col.Slice(1, 0, samples * g.L), product, 0, beta: 0);
                // product [Og, samples * L], packed by the GEMM -> result [n0 + s, grp * Og + o, :].
                long at = ((long)n0 * g.O + grp * g.Og) * g.L;
                MoveBlocks(result, at, g, product, samples * g.L, samples, gather: false);
            }
        }
        if (bias is not null) AddChannelBias(result, bias, g);
        return result;
    }

    /// <summary>
    /// Gradient of <see cref="Conv2d"/> with respect to its input (shape <paramref name="inputShape"/>), by GEMM +
    /// col2im.
    /// </summary>
    public static Tensor Conv2dBackwardInput(Tensor gradOutput, Tensor weight, ReadOnlySpan<int> inputShape,
        Conv2dOptions options)
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
        if (result.ElementCount == 0 || g.L == 0) return result;
        int chunk = g.SamplesPerChunk;
        var col = ConvScratch.Matrix(0, g.K, chunk * g.L, gradOutput.DType);
        var gyChunk = ConvScratch.Matrix(2, g.Og, chunk * g.L, gradOutput.DType);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int samples = Math.Min(chunk, g.N - n0);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                GatherPlanes(gy, g, n0, samples, grp, gyChunk);
                // The product lands packed: col [K, samples * L] with row stride samples * L.
                Gemm(w.Slice(0, grp * g.Og, (grp + 1) * g.Og).T, gyChunk.Slice(1, 0, samples * g.L), col, 0, beta: 0);
                Fold(col, samples * g.L, g, n0, samples, grp, result);
            }
        }
        return result;
    }

    /// <summary>
    /// Gradient of <see cref="Conv2d"/> with respect to its weight (shape <paramref name="weightShape"/>), by im2col +
    /// GEMM.
    /// </summary>
    public static Tensor Conv2dBackwardWeight(Tensor gradOutput, Tensor input, ReadOnlySpan<int> weightShape,
        Conv2dOptions options)
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
        if (g.N == 0 || g.L == 0) return Zeros(weightShape, gradOutput.DType);
        // The first chunk's GEMMs overwrite (beta 0) every group's block; later chunks accumulate.
        var result = Uninitialized([g.O, g.K], gradOutput.DType);
        int chunk = g.SamplesPerChunk;
        var col = ConvScratch.Matrix(0, g.K, chunk * g.L, gradOutput.DType);
        var gyChunk = ConvScratch.Matrix(2, g.Og, chunk * g.L, gradOutput.DType);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int samples = Math.Min(chunk, g.N - n0);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                Unfold(x, g, n0, samples, grp, col);
                GatherPlanes(gy, g, n0, samples, grp, gyChunk);
                var columns = col.Slice(1, 0, samples * g.L).T;
                Gemm(gyChunk.Slice(1, 0, samples * g.L), columns, result, (long)grp * g.Og * g.K,
                    beta: n0 == 0 ? 0 : 1);
            }
        }
        return result.Reshape(weightShape.ToArray());
    }

    // Unfolds samples [n0, n0 + samples) of group grp into col [K, chunk * L]: sample s fills columns [s L, (s + 1) L).
    private static void Unfold(Tensor x, ConvGeometry g, int n0, int samples, int grp, Tensor col)
    {
        int ld = col._shape[1];
        for (int s = 0; s < samples; s++)
        {
            long inOffset = x.Offset + ((long)(n0 + s) * g.C + grp * g.Cg) * g.H * g.W;
            if (x.DType == DType.Float32)
                Im2Col.Unfold(x.HostStorage().AsSpan<float>(), inOffset, g.Im2Col, col.AsSpan<float>(), ld, s * g.L);
            else Im2Col.Unfold(x.HostStorage().AsSpan<double>(), inOffset, g.Im2Col, col.AsSpan<double>(), ld, s * g.L);
        }
    }

    // Folds col (row stride ld; sample s in columns [s L, (s + 1) L)) back, accumulating into dx for group grp.
    private static void Fold(Tensor col, int ld, ConvGeometry g, int n0, int samples, int grp, Tensor dx)
    {
        for (int s = 0; s < samples; s++)
        {
            long inOffset = ((long)(n0 + s) * g.C + grp * g.Cg) * g.H * g.W;
            if (dx.DType == DType.Float32)
                Im2Col.Fold(col.AsSpan<float>(), ld, s * g.L, g.Im2Col, dx.AsSpan<float>(), inOffset);
            else Im2Col.Fold(col.AsSpan<double>(), ld, s * g.L, g.Im2Col, dx.AsSpan<double>(), inOffset);
        }
    }

    // Gathers gy[n0 + s, grp Og + o, :] into packed [Og, chunk * L] (row stride chunk * L, sample s at column s L).
    private static void GatherPlanes(Tensor gy, ConvGeometry g, int n0, int samples, int grp, Tensor packed) =>
        MoveBlocks(gy, gy.Offset + ((long)n0 * g.O + grp * g.Og) * g.L, g, packed, packed._shape[1], samples,
            gather: true);

    // Copies between packed [Og, samples * L] (row stride packedLd) and the [N, O, L] planes of group grp at offset.
    private static void MoveBlocks(Tensor strided, long offset, ConvGeometry g, Tensor packed, int packedLd,
        int samples,
        bool gather)
    {
        if (strided.DType == DType.Float32)
        {
            MoveBlocks(strided.HostStorage().AsSpan<float>(), offset, g, packed.AsSpan<float>(), packedLd, samples,
                gather);
        }
        else
        {
            MoveBlocks(strided.HostStorage().AsSpan<double>(), offset, g, packed.AsSpan<double>(), packedLd, samples,
                gather);
        }
    }

    private static void MoveBlocks<T>(Span<T> strided, long offset, ConvGeometry g, Span<T> packed, int packedLd,
        int samples, bool gather)
    {
        int length = g.L;
        for (int r = 0; r < g.Og; r++)
            for (int s = 0; s < samples; s++)
            {
                var plane = strided.Slice((int)(offset + (long)s * g.O * length + (long)r * length), length);
                var block = packed.Slice(r * packedLd + s * length, length);
                if (gather) plane.CopyTo(block);
                else block.CopyTo(plane);
            }
    }

    // Adds bias[o] to every output plane in place.
    private static void AddChannelBias(Tensor result, Tensor bias, ConvGeometry g)
    {
        var b = bias.ToDoubleArray();
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.O; o++)
            {
                long at = ((long)n * g.O + o) * g.L;
                if (result.DType == DType.Float32)
                {
                    var plane = result.AsSpan<float>().Slice((int)at, g.L);
                    TensorPrimitives.Add(plane, (float)b[o], plane);
                }
                else
                {
                    var plane = result.AsSpan<double>().Slice((int)at, g.L);
                    TensorPrimitives.Add(plane, b[o], plane);
                }
            }
    }

    /// <summary>Sizes of one convolution, validated once.</summary>
    private sealed record ConvGeometry(int N, int C, int H, int W, int O, int KH, int KW, int OH, int OW,
        Conv2dOptions Options)
    {
        public int Groups => Options.Groups;
        public int Cg => C / Groups;
        public int Og => O / Groups;
        public int K => Cg * KH * KW;
        public int L => OH * OW;

        /// <summary>Samples unfolded together: as many as keep the column buffer near 2^20 elements (>= 1).</summary>
        public int SamplesPerChunk => (int)Math.Clamp((1L << 20) / Math.Max(1L, (long)K * L), 1, Math.Max(N, 1));

        public Im2ColGeometry Im2Col =>
            new(Cg, H, W, KH, KW, OH, OW, Options.StrideH, Options.StrideW, Options.PaddingH,
            Options.PaddingW, Options.DilationH, Options.DilationW);

        public static ConvGeometry Create(string op, ReadOnlySpan<int> input, ReadOnlySpan<int> weight, Conv2dOptions o)
        {
            if (input.Length != 4)
                throw new ArgumentException($"{op}: input must be [N, C, H, W], got {Shapes.Format(input)}.",
                    nameof(input));
            if (weight.Length != 4)
                throw new ArgumentException($"{op}: weight must be [O, C/groups, kH, kW], got {Shapes.Format(weight)}.",
                    nameof(weight));
            if (o.StrideH < 1 || o.StrideW < 1 || o.DilationH < 1 || o.DilationW < 1 || o.PaddingH < 0 || o.PaddingW < 0
                || o.Groups < 1)
                throw new ArgumentException(
                    $"{op}: invalid options {o} (strides, dilations and groups must be >= 1, padding >= 0).");
            if (input.ToArray().Any(d => d < 0) || weight.ToArray().Any(d => d < 0) || weight[2] < 1 || weight[3] < 1)
                throw new ArgumentException(
                    $"{op}: invalid shapes input {Shapes.Format(input)}, weight {Shapes.Format(weight)}.");
            int c = input[1], groups = o.Groups;
            if (c % groups != 0 || weight[0] % groups != 0 || weight[1] * groups != c)
                throw new ArgumentException(
                    $"{op}: input {Shapes.Format(input)} and weight {Shapes.Format(weight)} do not match with {groups} "
                    + "groups (need C = weight[1] * groups and O divisible by groups).");
            int oh = Conv2dOptions.OutputSize(input[2], weight[2], o.StrideH, o.PaddingH, o.DilationH);
            int ow = Conv2dOptions.OutputSize(input[3], weight[3], o.StrideW, o.PaddingW, o.DilationW);
            if (input[2] + 2 * o.PaddingH < o.DilationH * (weight[2] - 1) + 1
                || input[3] + 2 * o.PaddingW < o.DilationW * (weight[3] - 1) + 1)
                throw new ArgumentException($"{op}: kernel {Shapes.Format(weight[2..])} (dilated) is larger than the "
                    + $"padded input {Shapes.Format(input)} with {o}.");
            return new ConvGeometry(input[0], c, input[2], input[3], weight[0], weight[2], weight[3], oh, ow, o);
        }

        public void CheckGradOutput(string op, Tensor gradOutput)
        {
            int[] expected = [N, O, OH, OW];
            if (!Shapes.Equal(gradOutput.ShapeSpan, expected))
                throw new ArgumentException($"{op}: gradOutput shape {Shapes.Format(gradOutput.ShapeSpan)} must be "
                    + $"{Shapes.Format(expected)}.", nameof(gradOutput));
        }
    }
}
