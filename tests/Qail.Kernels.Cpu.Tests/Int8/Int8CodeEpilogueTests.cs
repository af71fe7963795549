using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Int8;

/// <summary>
/// The epilogue from int32 sums to the next layer's 8-bit codes: on every instruction-set path (caps included) it
/// gives the codes of the float path, rescale (+ bias, ReLU) in float then <see cref="QuantizeLinear"/>, bit for bit,
/// for int8 and uint8 codes of 2..8 bits, exact ties and saturating sums included.
/// </summary>
public sealed class Int8CodeEpilogueTests
{
    [Property(MaxTest = 60, Replay = "(1515,29)")]
    public void EveryPathGivesTheFloatPathsCodes(int seed)
    {
        var r = new Random(seed);
        var (rows, n) = (r.Next(1, 5), r.Next(1, 70));
        // One case in three puts every value on a half step (scale 0.5, output scale 1): the ties round to even.
        bool ties = r.Next(3) == 0;
        var c = Enumerable.Range(0, rows * n)
            .Select(_ => r.Next(8) == 0 ? r.Next(int.MinValue, int.MaxValue) : r.Next(-5000, 5000)).ToArray();
        var scales = Enumerable.Range(0, n).Select(_ => ties ? 0.5f : 1e-4f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = ties || r.Next(2) == 0 ? [] : Floats(r, n, 3);
        bool relu = r.Next(2) == 0, symmetric = r.Next(2) == 0;
        int bits = r.Next(2, 9);
        int qMin = symmetric ? -(1 << (bits - 1)) : 0, qMax = symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        int zero = symmetric ? 0 : r.Next(qMin, qMax + 1);
        float yScale = ties ? 1f : 0.005f + 0.1f * (float)r.NextDouble();
        var values = new float[rows * n];
        for (int i = 0; i < values.Length; i++)
        {
            float v = c[i] * scales[i % n];
            if (bias.Length > 0) v += bias[i % n];
            values[i] = relu ? MathF.Max(v, 0f) : v;
        }
        string what = $"rows {rows} n {n} bits {bits} {(symmetric ? "int8" : "uint8")} zero {zero} relu {relu}"
            + $" ties {ties}";
        if (symmetric)
        {
            var expected = new sbyte[values.Length];
            QuantizeLinear.PerTensor(values, yScale, zero, expected, qMin, qMax);
            foreach (var (isa, q) in OnEveryPath(() =>
            {
                var q = new sbyte[values.Length];
                Int8CodeEpilogue.Requantize(c, scales, bias, relu, yScale, zero, qMin, qMax, q);
                return q;
            }))
                AssertSame(expected, q, $"{isa} {what}");
        }
        else
        {
            var expected = new byte[values.Length];
            QuantizeLinear.PerTensor(values, yScale, zero, expected, qMin, qMax);
            foreach (var (isa, q) in OnEveryPath(() =>
            {
                var q = new byte[values.Length];
                Int8CodeEpilogue.Requantize(c, scales, bias, relu, yScale, zero, qMin, qMax, q);
                return q;
            }))
                AssertSame(expected, q, $"{isa} {what}");
        }
    }

    [Fact]
    public void BadArgumentsNameTheirParameter()
    {
        float[] scales = [1f, 1f];
        Assert.Equal("c", Assert.Throws<ArgumentException>(() =>
            Int8CodeEpilogue.Requantize(new int[3], scales, [], false, 1f, 0, -128, 127, new sbyte[3])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() =>
            Int8CodeEpilogue.Requantize(new int[2], scales, [1f], false, 1f, 0, -128, 127, new sbyte[2])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() =>
            Int8CodeEpilogue.Requantize(new int[2], scales, [], false, 1f, 0, 0, 255, new byte[4])).ParamName);
        Assert.Equal("yScale", Assert.Throws<ArgumentOutOfRangeException>(() =>
            Int8CodeEpilogue.Requantize(new int[2], scales, [], false, float.NaN, 0, -128, 127, new sbyte[2]))
            .ParamName);
        Assert.Equal("qMin", Assert.Throws<ArgumentException>(() =>
            Int8CodeEpilogue.Requantize(new int[2], scales, [], false, 1f, 0, -128, 127, new byte[2])).ParamName);
        Assert.Equal("yZero", Assert.Throws<ArgumentOutOfRangeException>(() =>
            Int8CodeEpilogue.Requantize(new int[2], scales, [], false, 1f, 9, 0, 7, new byte[2])).ParamName);
    }
}
