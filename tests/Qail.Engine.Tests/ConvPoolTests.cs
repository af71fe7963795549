using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class ConvPoolTests
{
    private sealed record ConvCase(Tensor Input, Tensor Weight, Tensor? Bias, Conv2dOptions Options, Tensor GradOutput);

    private static Gen<ConvCase> ConvCases() =>
        from dtype in Gen.Elements(DType.Float32, DType.Float64)
        from groups in Gen.Choose(1, 2)
        from cg in Gen.Choose(1, 2)
        from og in Gen.Choose(1, 2)
        from n in Gen.Choose(1, 2)
        from kh in Gen.Choose(1, 3)
        from kw in Gen.Choose(1, 3)
        from sh in Gen.Choose(1, 2)
        from sw in Gen.Choose(1, 2)
        from ph in Gen.Choose(0, 2)
        from pw in Gen.Choose(0, 2)
        from dh in Gen.Choose(1, 2)
        from dw in Gen.Choose(1, 2)
        from h in Gen.Choose(Math.Max(1, dh * (kh - 1) + 1 - 2 * ph), 6)
        from w in Gen.Choose(Math.Max(1, dw * (kw - 1) + 1 - 2 * pw), 6)
        let o = new Conv2dOptions(sh, sw, ph, pw, dh, dw, groups)
        from input in TensorGen.Tensor([n, groups * cg, h, w], dtype)
        from weight in TensorGen.Tensor([groups * og, cg, kh, kw], dtype)
        from hasBias in Gen.Elements(true, false)
        from bias in TensorGen.Tensor([groups * og], dtype)
        from gradOutput in TensorGen.Tensor([n, groups * og, Conv2dOptions.OutputSize(h, kh, sh, ph, dh),
            Conv2dOptions.OutputSize(w, kw, sw, pw, dw)], dtype)
        select new ConvCase(input, weight, hasBias ? bias : null, o, gradOutput);

    // One direct loop gives the output and both gradients (for the given output gradient).
    private static (double[] Y, double[] GradX, double[] GradW) Reference(ConvCase c)
    {
        int[] xs = c.Input.ShapeToArray(), ws = c.Weight.ShapeToArray(), ys = c.GradOutput.ShapeToArray();
        double[] x = Ref.Read(c.Input), w = Ref.Read(c.Weight), gy = Ref.Read(c.GradOutput);
        double[] b = c.Bias is null ? new double[ws[0]] : Ref.Read(c.Bias);
        var o = c.Options;
        int cg = ws[1], og = ws[0] / o.Groups;
        var y = new double[Ref.Count(ys)];
        var gx = new double[x.Length];
        var gw = new double[w.Length];
        for (int ni = 0; ni < ys[0]; ni++)
        for (int oc = 0; oc < ys[1]; oc++)
        for (int oh = 0; oh < ys[2]; oh++)
        for (int ow = 0; ow < ys[3]; ow++)
        {
            int yi = Ref.Ravel([ni, oc, oh, ow], ys);
            double sum = b[oc];
            for (int ci = 0; ci < cg; ci++)
            for (int ki = 0; ki < ws[2]; ki++)
            for (int kj = 0; kj < ws[3]; kj++)
            {
                int ih = oh * o.StrideH - o.PaddingH + ki * o.DilationH,
                    iw = ow * o.StrideW - o.PaddingW + kj * o.DilationW;
                if (ih < 0 || ih >= xs[2] || iw < 0 || iw >= xs[3]) continue;
                int xi = Ref.Ravel([ni, oc / og * cg + ci, ih, iw], xs), wi = Ref.Ravel([oc, ci, ki, kj], ws);
                sum += x[xi] * w[wi];
                gx[xi] += gy[yi] * w[wi];
                gw[wi] += gy[yi] * x[xi];
            }
            y[yi] = sum;
        }
        return (y, gx, gw);
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Conv2dAndBackwardHelpers() => Prop.ForAll(ConvCases().ToArbitrary(), c =>
    {
        var (y, gx, gw) = Reference(c);
        TensorAssert.AllClose(y, c.GradOutput.ShapeToArray(),
            Tensor.Conv2d(c.Input, c.Weight, c.Bias, c.Options), 1e-4, 1e-4);
        TensorAssert.AllClose(gx, c.Input.ShapeToArray(),
            Tensor.Conv2dBackwardInput(c.GradOutput, c.Weight, c.Input.ShapeToArray(), c.Options), 1e-4, 1e-4);
        TensorAssert.AllClose(gw, c.Weight.ShapeToArray(),
            Tensor.Conv2dBackwardWeight(c.GradOutput, c.Input, c.Weight.ShapeToArray(), c.Options), 1e-4, 1e-4);
    });

    [Fact]
    public void Conv2dOverSeveralSampleChunksMatchesTheDirectLoop()
    {
        // 160 x 160 planes with a 3x3 kernel: the column buffer holds 4 of the 5 samples, so a full and a partial
        // chunk both run; two groups and stride 2 in width cover the strided gather and scatter paths.
        var o = new Conv2dOptions(1, 2, 1, 1, 1, 1, 2);
        var c = new ConvCase(Tensor.RandomNormal([5, 2, 160, 160], 31, dtype: DType.Float64),
            Tensor.RandomNormal([4, 1, 3, 3], 32, dtype: DType.Float64),
            Tensor.RandomNormal([4], 33, dtype: DType.Float64),
            o, Tensor.RandomNormal([5, 4, 160, 80], 34, dtype: DType.Float64));
        var (y, gx, gw) = Reference(c);
        var output = Tensor.Conv2d(c.Input, c.Weight, c.Bias, o);
        TensorAssert.AllClose(y, c.GradOutput.ShapeToArray(), output, 1e-12, 1e-12);
        TensorAssert.AllClose(gx, c.Input.ShapeToArray(),
            Tensor.Conv2dBackwardInput(c.GradOutput, c.Weight, c.Input.ShapeToArray(), o), 1e-12, 1e-12);
        TensorAssert.AllClose(gw, c.Weight.ShapeToArray(),
            Tensor.Conv2dBackwardWeight(c.GradOutput, c.Input, c.Weight.ShapeToArray(), o), 1e-10, 1e-10);
    }

    [Theory]
    [InlineData(1, 1, 1, 1)] // rows as wide as the input's: one shifted block copy per col row
    [InlineData(1, 1, 2, 2)] // the same with dilation
    [InlineData(2, 2, 1, 1)] // stride 2 on rows wider than 32 floats: the AVX-512 two-register gather
    [InlineData(1, 2, 0, 1)]
    public void WideFloatRowsMatchTheDirectLoop(int strideH, int strideW, int padding, int dilation)
    {
        var o = new Conv2dOptions(strideH, strideW, padding, padding, dilation, dilation);
        var input = Tensor.RandomNormal([2, 3, 9, 70], 41);
        var weight = Tensor.RandomNormal([4, 3, 3, 3], 42);
        int oh = Conv2dOptions.OutputSize(9, 3, strideH, padding, dilation);
        int ow = Conv2dOptions.OutputSize(70, 3, strideW, padding, dilation);
        var c = new ConvCase(input, weight, null, o, Tensor.RandomNormal([2, 4, oh, ow], 43));
        var (y, gx, gw) = Reference(c);
        TensorAssert.AllClose(y, c.GradOutput.ShapeToArray(), Tensor.Conv2d(input, weight, null, o), 1e-4, 1e-4);
        TensorAssert.AllClose(gx, input.ShapeToArray(),
            Tensor.Conv2dBackwardInput(c.GradOutput, weight, input.ShapeToArray(), o), 1e-4, 1e-4);
        TensorAssert.AllClose(gw, weight.ShapeToArray(),
            Tensor.Conv2dBackwardWeight(c.GradOutput, input, weight.ShapeToArray(), o), 1e-4, 1e-3);
    }

    [Fact]
    public void Conv2dRejectsChannelMismatch()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Tensor.Conv2d(Tensor.Zeros([1, 3, 5, 5]), Tensor.Zeros([4, 2, 3, 3]), null, Conv2dOptions.Uniform()));
        Assert.Contains("[1, 3, 5, 5]", ex.Message);
        Assert.Contains("[4, 2, 3, 3]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            Tensor.Conv2d(Tensor.Zeros([1, 2, 2, 2]), Tensor.Zeros([1, 2, 3, 3]), null, Conv2dOptions.Uniform()));
        Assert.Contains("larger", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros([1, 2, 4, 4]),
            Tensor.Zeros([1, 2, 3, 3]), Tensor.Zeros([2]), Conv2dOptions.Uniform()));
        Assert.Contains("bias", ex.Message);
    }

    private static Gen<(Tensor X, Pool2dOptions O, Tensor GradOutput)> PoolCases() =>
        from dtype in Gen.Elements(DType.Float32, DType.Float64)
        from kh in Gen.Choose(1, 3)
        from kw in Gen.Choose(1, 3)
        from sh in Gen.Choose(1, 3)
        from sw in Gen.Choose(1, 3)
        from ph in Gen.Choose(0, kh / 2)
        from pw in Gen.Choose(0, kw / 2)
        from n in Gen.Choose(1, 2)
        from c in Gen.Choose(1, 3)
        from h in Gen.Choose(Math.Max(1, kh - 2 * ph), 6)
        from w in Gen.Choose(Math.Max(1, kw - 2 * pw), 6)
        let o = new Pool2dOptions(kh, kw, sh, sw, ph, pw)
        from x in TensorGen.Tensor([n, c, h, w], dtype, ValueRange.SmallIntegers)
        from g in TensorGen.Tensor([n, c, (h + 2 * ph - kh) / sh + 1, (w + 2 * pw - kw) / sw + 1], dtype)
        select (x, o, g);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property PoolingAndBackwardHelpers() => Prop.ForAll(PoolCases().ToArbitrary(), c =>
    {
        int[] xs = c.X.ShapeToArray(), ys = c.GradOutput.ShapeToArray();
        var x = Ref.Read(c.X);
        var gy = Ref.Read(c.GradOutput);
        var o = c.O;
        double[] max = new double[gy.Length], avg = new double[gy.Length], argmax = new double[gy.Length];
        double[] gxMax = new double[x.Length], gxAvg = new double[x.Length];
        for (int yi = 0; yi < gy.Length; yi++)
        {
            var p = Ref.Unravel(yi, ys);
            double best = double.NegativeInfinity, sum = 0;
            int bestIndex = -1;
            for (int a = 0; a < o.KernelH; a++)
            for (int b = 0; b < o.KernelW; b++)
            {
                int r = p[2] * o.StrideH - o.PaddingH + a, col = p[3] * o.StrideW - o.PaddingW + b;
                if (r < 0 || r >= xs[2] || col < 0 || col >= xs[3]) continue;
                int xi = Ref.Ravel([p[0], p[1], r, col], xs);
                sum += x[xi];
                gxAvg[xi] += gy[yi] / (o.KernelH * o.KernelW);
                if (x[xi] > best) { best = x[xi]; bestIndex = xi; }
            }
            max[yi] = best;
            avg[yi] = sum / (o.KernelH * o.KernelW);
            argmax[yi] = bestIndex % (xs[2] * xs[3]);
            gxMax[bestIndex] += gy[yi];
        }
        var (values, indices) = Tensor.MaxPool2dWithIndices(c.X, o);
        TensorAssert.AllClose(max, ys, values, 0, 0);
        TensorAssert.AllClose(argmax, ys, indices, 0, 0);
        TensorAssert.AllClose(max, ys, Tensor.MaxPool2d(c.X, o), 0, 0);
        TensorAssert.AllClose(gxMax, xs, Tensor.MaxPool2dBackward(c.GradOutput, indices, xs), 1e-6, 1e-6);
        TensorAssert.AllClose(avg, ys, Tensor.AvgPool2d(c.X, o), 1e-6, 1e-6);
        TensorAssert.AllClose(gxAvg, xs, Tensor.AvgPool2dBackward(c.GradOutput, xs, o), 1e-6, 1e-6);
    });

    [Fact]
    public void GlobalAvgPoolAndOptionChecks()
    {
        var x = Tensor.Arange(0, 24).Reshape(2, 3, 2, 2);
        TensorAssert.AllClose([1.5, 5.5, 9.5, 13.5, 17.5, 21.5], [2, 3], Tensor.GlobalAvgPool2d(x), 0, 0);
        var ex = Assert.Throws<ArgumentException>(() => Tensor.MaxPool2d(x, Pool2dOptions.Square(2, padding: 2)));
        Assert.Contains("padding", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.AvgPool2d(Tensor.Zeros([2, 2]), Pool2dOptions.Square(2)));
        Assert.Contains("[2, 2]", ex.Message);
        Assert.Equal(new Pool2dOptions(3, 3, 3, 3), Pool2dOptions.Square(3));
        Assert.Equal(new Conv2dOptions(2, 2, 1, 1, 1, 1, 1), Conv2dOptions.Uniform(stride: 2, padding: 1));
    }
}
