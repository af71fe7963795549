using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>Grid and block shapes for the kernels' two schemes: one thread per element, one warp per row.</summary>
internal static class LaunchShape
{
    /// <summary>Threads per block for both schemes.</summary>
    public const uint BlockThreads = 256;

    /// <summary>One thread per element of <paramref name="count"/>.</summary>
    public static (uint, uint, uint) ThreadPerElement(long count)
    {
        if (count < 1 || (count + BlockThreads - 1) / BlockThreads > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(count), count,
                "Launch: element count must be in 1..2^31 blocks.");
        return ((uint)((count + BlockThreads - 1) / BlockThreads), 1, 1);
    }

    /// <summary>One warp per row of <paramref name="rows"/> (8 warps per block).</summary>
    public static (uint, uint, uint) WarpPerRow(int rows)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Launch: rows must be >= 1.");
        return ((uint)((rows + 7) / 8), 1, 1);
    }

    /// <summary>The block shape: 256 threads.</summary>
    public static (uint, uint, uint) Block => (BlockThreads, 1, 1);

    /// <summary>Throws unless <paramref name="buffer"/> holds at least <paramref name="bytes"/> bytes.</summary>
    public static void Need(CudaStorage buffer, long bytes, string op, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if ((ulong)bytes > buffer.Capacity)
            throw new ArgumentException($"{op}: {name} holds {buffer.Capacity} bytes, needs {bytes}.", name);
    }
}
