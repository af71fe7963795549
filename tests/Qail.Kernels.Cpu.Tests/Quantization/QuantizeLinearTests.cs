using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Quantization;

/// <summary>Quantize / dequantize kernels: rounding rule, path equality, error bound, argument checks.</summary>
public sealed class QuantizeLinearTests
{
    /// <summary>Ties round to even on every path (repeated to 64 values so the 512-bit path sees them too).</summary>
    [Fact]
    public void TiesRoundHalfToEven()
    {
        float[] ties = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f, 126.5f];
        sbyte[] rounded = [0, 2, 2, 0, -2, -2, 4, 126];
        var x = Enumerable.Repeat(ties, 8).SelectMany(t => t).ToArray();
        var expected = Enumerable.Repeat(rounded, 8).SelectMany(t => t).ToArray();
        foreach (var (isa, q) in OnEveryPath(() =>
            {
                var q = new sbyte[x.Length];
                QuantizeLinear.PerTensor(x, 1f, 0, q);
                return q;
            }))
            AssertSame(expected, q, $"{isa} ties");
    }

    /// <summary>Every path equals the scalar definition, uint8 and int8, values past the range clamp.</summary>
    [Property(MaxTest = 40, Replay = "(3,5)")]
    public void EveryPathEqualsScalarDefinition(int seed)
    {
        var r = new Random(seed);
        var x = Floats(r, r.Next(1, 200), 3f);
        var scale = 0.001f + (float)r.NextDouble() * 0.05f;
        var zs = r.Next(-20, 20);
        var zu = r.Next(100, 150);
        var es = x.Select(v => (sbyte)QuantizeLinear.One(v, scale, zs, -128, 127)).ToArray();
        var eu = x.Select(v => (byte)QuantizeLinear.One(v, scale, zu, 0, 255)).ToArray();
        foreach (var (isa, q) in OnEveryPath(() =>
            {
                var q = new sbyte[x.Length];
                QuantizeLinear.PerTensor(x, scale, zs, q);
                return q;
            }))
            AssertSame(es, q, $"{isa} s8");
        foreach (var (isa, q) in OnEveryPath(() =>
            {
                var q = new byte[x.Length];
                QuantizeLinear.PerTensor(x, scale, zu, q);
                return q;
            }))
            AssertSame(eu, q, $"{isa} u8");
    }

    /// <summary>
    /// |x - dq(q(x))| &lt;= scale/2 inside the range: per tensor, per channel, per group; symmetric and asymmetric.
    /// </summary>
    [Property(MaxTest = 40, Replay = "(9,11)")]
    public void RoundTripErrorIsAtMostHalfAScale(int seed)
    {
        var r = new Random(seed);
        var rows = r.Next(1, 6);
        var group = new[] { 1, 3, 8, 16 }[r.Next(4)];
        var cols = group * r.Next(1, 5);
        var x = Floats(r, rows * cols, (float)Math.Pow(10, r.Next(-2, 3)));
        var symmetric = r.Next(2) == 0;
        var layout = r.Next(3); // 0 per tensor, 1 per channel (row), 2 per group
        var groupLength = layout switch { 0 => rows * cols, 1 => cols, _ => group };
        var groups = x.Length / groupLength;
        var scales = new float[groups];
        var zeros = new int[groups];
        for (var g = 0; g < groups; g++)
        {
            var block = x.AsSpan(g * groupLength, groupLength);
            float min = float.MaxValue, max = float.MinValue;
            foreach (var v in block) { min = Math.Min(min, v); max = Math.Max(max, v); }
            var p = symmetric ? QuantizationParameters.Symmetric(Math.Max(-min, max), 127)
                : QuantizationParameters.Asymmetric(min, max, -128, 127);
            (scales[g], zeros[g]) = (p.Scale, p.ZeroPoint);
        }
        var q = new sbyte[x.Length];
        var dq = new float[x.Length];
        foreach (var isa in Available)
            KernelDispatch.With(isa, () =>
            {
                if (layout == 0) QuantizeLinear.PerTensor(x, scales[0], zeros[0], q);
                else if (layout == 1) QuantizeLinear.PerChannel(x, rows, scales, zeros, q);
                else QuantizeLinear.PerGroup(x, rows, cols, group, scales, zeros, q);
                QuantizeLinear.DequantizePerGroup(q, rows, cols, layout == 0 ? cols : groupLength,
                    layout == 0 ? Enumerable.Repeat(scales[0], rows).ToArray() : scales,
                    layout == 0 ? Enumerable.Repeat(zeros[0], rows).ToArray() : zeros, dq);
                for (var i = 0; i < x.Length; i++)
                    Assert.True(MathF.Abs(x[i] - dq[i]) <= scales[i / groupLength] / 2 * (1 + 1e-5f),
                        $"{isa} layout {layout} i={i}: {x[i]} -> {dq[i]}");
            });
    }

    [Fact]
    public void BadArgumentsNameTheArgument()
    {
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeLinear.PerTensor([1f], 0f, 0,
            new sbyte[1])).ParamName);
        Assert.Equal("zeroPoint", Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeLinear.PerTensor([1f], 1f,
            300, new byte[1])).ParamName);
        Assert.Equal("q",
            Assert.Throws<ArgumentException>(() => QuantizeLinear.PerTensor([1f, 2f], 1f, 0, new sbyte[1])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => QuantizeLinear.PerTensor([float.NaN], 1f, 0,
            new sbyte[1])).ParamName);
        var wide = new float[64];
        wide[37] = float.NaN;
        Assert.Equal("x",
            Assert.Throws<ArgumentException>(() => QuantizeLinear.PerTensor(wide, 1f, 0, new sbyte[64])).ParamName);
        Assert.Equal("groupSize", Assert.Throws<ArgumentException>(() => QuantizeLinear.PerGroup(new float[6], 2, 3, 2,
            new float[3], [], new sbyte[6])).ParamName);
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => QuantizeLinear.PerChannel(new float[6], 2,
            new float[3], [], new sbyte[6])).ParamName);
    }
}
