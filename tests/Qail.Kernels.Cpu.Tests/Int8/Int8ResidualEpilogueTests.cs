using System.Numerics.Tensors;
using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Int8;

/// <summary>
/// The epilogue that closes a residual block: on every instruction-set path (caps included) its floats are the
/// unfused ops' floats (rescale + bias, then the add of the shortcut, then the ReLU, each as its own pass) and its
/// codes are <see cref="QuantizeLinear"/>'s codes of those floats, bit for bit, for int8 and uint8 codes of 2..8
/// bits, floats only, codes only or both, exact ties and saturating sums included.
/// </summary>
public sealed class Int8ResidualEpilogueTests
{
    [Property(MaxTest = 60, Replay = "(1515,31)")]
    public void EveryPathGivesTheUnfusedOpsFloatsAndCodes(int seed)
    {
        var r = new Random(seed);
        var (rows, n) = (r.Next(1, 5), r.Next(1, 70));
        // One case in three puts every value on a half step (scale 0.5, integer shortcut, output scale 1): the ties
        // round to even.
        bool ties = r.Next(3) == 0;
        var c = Enumerable.Range(0, rows * n)
            .Select(_ => r.Next(8) == 0 ? r.Next(int.MinValue, int.MaxValue) : r.Next(-5000, 5000)).ToArray();
        var scales = Enumerable.Range(0, n).Select(_ => ties ? 0.5f : 1e-4f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = ties || r.Next(2) == 0 ? [] : Floats(r, n, 3);
        var skip = ties ? Enumerable.Range(0, rows * n).Select(_ => (float)r.Next(-40, 40)).ToArray()
            : Floats(r, rows * n, 4);
        bool relu = r.Next(2) == 0, symmetric = r.Next(2) == 0;
        int outputs = r.Next(3); // 0: codes and floats, 1: codes only, 2: floats only
        int bits = r.Next(2, 9);
        int qMin = symmetric ? -(1 << (bits - 1)) : 0, qMax = symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        int zero = symmetric ? 0 : r.Next(qMin, qMax + 1);
        float yScale = ties ? 1f : 0.005f + 0.1f * (float)r.NextDouble();
        var values = Unfused(c, scales, bias, skip, relu);
        string what = $"rows {rows} n {n} bits {bits} {(symmetric ? "int8" : "uint8")} zero {zero} relu {relu}"
            + $" ties {ties} outputs {outputs}";
        bool codes = outputs != 2, floats = outputs != 1;
        int[] expectedFloats = floats ? Bits(values) : [];
        if (symmetric)
        {
            var expected = new sbyte[codes ? values.Length : 0];
            if (codes) QuantizeLinear.PerTensor(values, yScale, zero, expected, qMin, qMax);
            foreach (var (isa, (q, y)) in OnEveryPath(() =>
            {
                var (q, y) = (new sbyte[expected.Length], new float[expectedFloats.Length]);
                Int8ResidualEpilogue.Requantize(c, scales, bias, skip, relu, yScale, zero, qMin, qMax, q, y);
                return (q, y);
            }))
            {
                AssertSame(expected, q, $"{isa} codes {what}");
                AssertSame(expectedFloats, Bits(y), $"{isa} floats {what}");
            }
        }
        else
        {
            var expected = new byte[codes ? values.Length : 0];
            if (codes) QuantizeLinear.PerTensor(values, yScale, zero, expected, qMin, qMax);
            foreach (var (isa, (q, y)) in OnEveryPath(() =>
            {
                var (q, y) = (new byte[expected.Length], new float[expectedFloats.Length]);
                Int8ResidualEpilogue.Requantize(c, scales, bias, skip, relu, yScale, zero, qMin, qMax, q, y);
                return (q, y);
            }))
            {
                AssertSame(expected, q, $"{isa} codes {what}");
                AssertSame(expectedFloats, Bits(y), $"{isa} floats {what}");
            }
        }
    }

    [Fact]
    public void BadArgumentsNameTheirParameter()
    {
        float[] scales = [1f, 1f];
        float[] skip = [0f, 0f];
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Int8ResidualEpilogue.Requantize(new int[3], scales,
            [], [0f, 0f, 0f], false, 1f, 0, -128, 127, new sbyte[3], [])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => Int8ResidualEpilogue.Requantize(new int[2], scales,
            [1f], skip, false, 1f, 0, -128, 127, new sbyte[2], [])).ParamName);
        Assert.Equal("skip", Assert.Throws<ArgumentException>(() => Int8ResidualEpilogue.Requantize(new int[2],
            scales, [], [0f], false, 1f, 0, -128, 127, new sbyte[2], [])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => Int8ResidualEpilogue.Requantize(new int[2], scales,
            [], skip, false, 1f, 0, 0, 255, Span<byte>.Empty, [])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => Int8ResidualEpilogue.Requantize(new int[2], scales,
            [], skip, false, 1f, 0, 0, 255, new byte[4], [])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Int8ResidualEpilogue.Requantize(new int[2], scales,
            [], skip, false, 1f, 0, 0, 255, new byte[2], new float[3])).ParamName);
        Assert.Equal("yScale", Assert.Throws<ArgumentOutOfRangeException>(() => Int8ResidualEpilogue.Requantize(
            new int[2], scales, [], skip, false, float.NaN, 0, -128, 127, new sbyte[2], [])).ParamName);
        Assert.Equal("qMin", Assert.Throws<ArgumentException>(() => Int8ResidualEpilogue.Requantize(new int[2],
            scales, [], skip, false, 1f, 0, -128, 127, new byte[2], [])).ParamName);
        Assert.Equal("yZero", Assert.Throws<ArgumentOutOfRangeException>(() => Int8ResidualEpilogue.Requantize(
            new int[2], scales, [], skip, false, 1f, 9, 0, 7, new byte[2], [])).ParamName);
    }

    // The layer's epilogue, the add and the ReLU as three passes, as the runtime's unfused ops run them.
    private static float[] Unfused(int[] c, float[] scales, float[] bias, float[] skip, bool relu)
    {
        int n = scales.Length;
        var values = new float[c.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = c[i] * scales[i % n];
            values[i] = bias.Length > 0 ? v + bias[i % n] : v;
        }
        TensorPrimitives.Add(values, skip, values);
        if (relu) TensorPrimitives.Max(values, 0f, values);
        return values;
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
