using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Weight initialisation schemes, each drawing from <see cref="SeededRandom"/> with an explicit seed (same seed, same
/// bits). Fans follow PyTorch: for a weight [out, in, k...], fan-in = in * prod(k), fan-out = out * prod(k).
/// </summary>
public static class Init
{
    /// <summary>Gain recommended for ReLU layers, sqrt(2).</summary>
    public static readonly double ReluGain = Math.Sqrt(2.0);

    /// <summary>(fan-in, fan-out) of a weight shape of rank 2 or more.</summary>
    public static (long FanIn, long FanOut) Fans(ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
            throw new ArgumentException(
                $"Init.Fans: a weight needs rank >= 2 to have fans, got shape {Shapes.Format(shape)}.", nameof(shape));
        long receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>N(mean, std^2).</summary>
    public static Tensor Normal(int[] shape, long seed, double mean = 0, double std = 1, DType dtype = DType.Float32)
    {
        if (!(std >= 0))
            throw new ArgumentOutOfRangeException(nameof(std), std, "Init.Normal: std must be non-negative.");
        return Tensor.RandomNormal(shape, seed, mean, std, dtype);
    }

    /// <summary>U[low, high).</summary>
    public static Tensor Uniform(int[] shape, long seed, double low, double high, DType dtype = DType.Float32) =>
        Tensor.RandomUniform(shape, seed, low, high, dtype);

    /// <summary>Kaiming (He) normal: std = gain / sqrt(fan).</summary>
    public static Tensor KaimingNormal(int[] shape, long seed, double gain = 1.4142135623730951,
        FanMode mode = FanMode.FanIn, DType dtype = DType.Float32) =>
        Normal(shape, seed, 0, gain / Math.Sqrt(Fan(shape, mode, nameof(KaimingNormal))), dtype);

    /// <summary>Kaiming (He) uniform: bound = gain * sqrt(3 / fan).</summary>
    public static Tensor KaimingUniform(int[] shape, long seed, double gain = 1.4142135623730951,
        FanMode mode = FanMode.FanIn, DType dtype = DType.Float32)
    {
        double bound = gain * Math.Sqrt(3.0 / Fan(shape, mode, nameof(KaimingUniform)));
        return Uniform(shape, seed, -bound, bound, dtype);
    }

    /// <summary>Xavier (Glorot) normal: std = gain * sqrt(2 / (fan-in + fan-out)).</summary>
    public static Tensor XavierNormal(int[] shape, long seed, double gain = 1, DType dtype = DType.Float32)
    {
        var (fanIn, fanOut) = Fans(shape);
        return Normal(shape, seed, 0, gain * Math.Sqrt(2.0 / Math.Max(1, fanIn + fanOut)), dtype);
    }

    /// <summary>Xavier (Glorot) uniform: bound = gain * sqrt(6 / (fan-in + fan-out)).</summary>
    public static Tensor XavierUniform(int[] shape, long seed, double gain = 1, DType dtype = DType.Float32)
    {
        var (fanIn, fanOut) = Fans(shape);
        double bound = gain * Math.Sqrt(6.0 / Math.Max(1, fanIn + fanOut));
        return Uniform(shape, seed, -bound, bound, dtype);
    }

    /// <summary>
    /// PyTorch's default for Linear and Conv weights and biases: U(-1/sqrt(fan-in), 1/sqrt(fan-in))
    /// (Kaiming uniform with a = sqrt(5) for the weight gives the same bound).
    /// </summary>
    public static Tensor FanInUniform(int[] shape, long fanIn, long seed, DType dtype = DType.Float32)
    {
        double bound = 1.0 / Math.Sqrt(Math.Max(1, fanIn));
        return Uniform(shape, seed, -bound, bound, dtype);
    }

    /// <summary>
    /// A seed for the <paramref name="stream"/>-th component of something seeded with <paramref name="seed"/> (e.g.
    /// each layer of a model).
    /// </summary>
    public static long DeriveSeed(long seed, long stream) =>
        unchecked((long)((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(stream + 1) * 0xBF58476D1CE4E5B9UL));

    private static long Fan(int[] shape, FanMode mode, string op)
    {
        var (fanIn, fanOut) = Fans(shape);
        long fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan <= 0)
            throw new ArgumentException($"Init.{op}: shape {Shapes.Format(shape)} has zero {mode}.", nameof(shape));
        return fan;
    }
}
