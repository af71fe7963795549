namespace Qail.Engine;

/// <summary>
/// Per-thread work buffers of the convolution (column matrix and packed output/gradient blocks), kept between calls
/// so that a training step does not allocate, zero and page-fault megabytes of large-object heap per conv. The
/// buffers never escape an op: the tensors over them live only inside one call.
/// </summary>
internal static class ConvScratch
{
    [ThreadStatic] private static Array?[]? _buffers;

    /// <summary>A contiguous [rows, cols] tensor over scratch buffer <paramref name="slot"/>, contents stale.</summary>
    public static Tensor Matrix(int slot, int rows, int cols, DType dtype)
    {
        _buffers ??= new Array?[3];
        long length = (long)rows * cols;
        var storage = dtype == DType.Float32
            ? CpuStorage.Wrap(Grow<float>(slot, length))
            : CpuStorage.Wrap(Grow<double>(slot, length));
        return new Tensor(storage, [rows, cols], [cols, 1], 0);
    }

    private static T[] Grow<T>(int slot, long length) where T : unmanaged
    {
        if (_buffers![slot] is T[] buffer && buffer.Length >= length) return buffer;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"Conv2d: a scratch of {length} elements is too large.");
        }
        var grown = new T[length];
        _buffers[slot] = grown;
        return grown;
    }
}
