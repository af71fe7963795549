namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>A contiguous zero-filled CPU tensor.</summary>
    public static Tensor Zeros(ReadOnlySpan<int> shape, DType dtype = DType.Float32) =>
        new(CpuStorage.Allocate(dtype, Shapes.ElementCount(shape)), shape);

    /// <summary>
    /// A contiguous CPU tensor with unspecified contents, for ops that write every element before anyone reads it.
    /// </summary>
    internal static Tensor Uninitialized(ReadOnlySpan<int> shape, DType dtype) =>
        new(CpuStorage.AllocateUninitialized(dtype, Shapes.ElementCount(shape)), shape);

    /// <summary>A contiguous CPU tensor of ones.</summary>
    public static Tensor Ones(ReadOnlySpan<int> shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    /// <summary>
    /// A contiguous CPU tensor filled with <paramref name="value"/> (converted to the dtype, which must represent it
    /// exactly for integers).
    /// </summary>
    public static Tensor Full(ReadOnlySpan<int> shape, double value, DType dtype = DType.Float32)
    {
        var t = Zeros(shape, dtype);
        var storage = t.HostStorage();
        switch (dtype)
        {
            case DType.Float32: storage.AsSpan<float>().Fill((float)value); break;
            case DType.Float64: storage.AsSpan<double>().Fill(value); break;
            case DType.Int32: storage.AsSpan<int>().Fill(ExactInteger<int>(value, int.MinValue, int.MaxValue,
                dtype)); break;
            case DType.Int8: storage.AsSpan<sbyte>().Fill(ExactInteger<sbyte>(value, sbyte.MinValue, sbyte.MaxValue,
                dtype)); break;
            case DType.UInt8: storage.AsSpan<byte>().Fill(ExactInteger<byte>(value, byte.MinValue, byte.MaxValue,
                dtype)); break;
            default: throw new ArgumentException($"Full is not defined for {dtype.Name()}.", nameof(dtype));
        }
        return t;
    }

    /// <summary>A scalar (rank-0) tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>Values start, start+step, ... below end (like NumPy's arange), as a 1-D tensor.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(end))
            throw new ArgumentException(
                $"Arange needs finite start/end and a non-zero step (got {start}, {end}, {step}).");
        long count = Math.Max(0, (long)Math.Ceiling((end - start) / step));
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = start + i * step;
        return From<double>(values, [values.Length]).Cast(dtype);
    }

    /// <summary>Copies <paramref name="data"/> into a new contiguous CPU tensor of the given shape.</summary>
    public static Tensor From<T>(ReadOnlySpan<T> data, ReadOnlySpan<int> shape) where T : unmanaged
    {
        long n = Shapes.ElementCount(shape);
        if (n != data.Length)
            throw new ArgumentException(
                $"From: {data.Length} values do not fill shape {Shapes.Format(shape)} ({n} elements).", nameof(data));
        var storage = CpuStorage.Allocate(DTypeInfo.Of<T>(), n);
        data.CopyTo(storage.AsSpan<T>());
        return new Tensor(storage, shape);
    }

    /// <summary>Copies a 1-D array into a new tensor.</summary>
    public static Tensor From<T>(T[] data) where T : unmanaged => From<T>(data, [data.Length]);

    /// <summary>Samples N(mean, std^2) with <see cref="SeededRandom"/>; same seed, same bits.</summary>
    public static Tensor RandomNormal(ReadOnlySpan<int> shape, long seed, double mean = 0, double std = 1,
        DType dtype = DType.Float32)
    {
        var rng = new SeededRandom(seed);
        var values = new double[Shapes.ElementCount(shape)];
        for (int i = 0; i < values.Length; i++) values[i] = mean + std * rng.NextNormal();
        return From<double>(values, shape).Cast(dtype);
    }

    /// <summary>Samples U[low, high) with <see cref="SeededRandom"/>; same seed, same bits.</summary>
    public static Tensor RandomUniform(ReadOnlySpan<int> shape, long seed, double low = 0, double high = 1,
        DType dtype = DType.Float32)
    {
        if (!(high >= low)) throw new ArgumentException($"RandomUniform needs low <= high (got {low}, {high}).");
        var rng = new SeededRandom(seed);
        var values = new double[Shapes.ElementCount(shape)];
        for (int i = 0; i < values.Length; i++) values[i] = low + (high - low) * rng.NextDouble();
        return From<double>(values, shape).Cast(dtype);
    }

    /// <summary>Zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Zeros(like._shape, like.DType);
    }

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Ones(like._shape, like.DType);
    }

    /// <summary><paramref name="value"/> everywhere, with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor FullLike(Tensor like, double value)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Full(like._shape, value, like.DType);
    }

    private static T ExactInteger<T>(double value, double min, double max, DType dtype)
        where T : System.Numerics.INumber<T>
    {
        if (value != Math.Round(value) || value < min || value > max)
            throw new ArgumentException($"{value} is not representable as {dtype.Name()}.", nameof(value));
        return T.CreateChecked(value);
    }
}
