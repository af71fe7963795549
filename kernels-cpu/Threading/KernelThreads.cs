namespace Qail.Kernels.Cpu;

/// <summary>
/// How many threads the CPU kernels may use (the caller's thread included). Work is split by a fixed
/// partition of the output, so results do not depend on this setting.
/// </summary>
public static class KernelThreads
{
    private static int _default = Environment.ProcessorCount;

    [ThreadStatic] private static int _threadCount;

    /// <summary>
    /// Thread count for kernels called from this thread: the value set by <see cref="With"/> if any, else
    /// the process-wide setting (default <see cref="Environment.ProcessorCount"/>), which the setter changes.
    /// </summary>
    public static int Count
    {
        get => _threadCount > 0 ? _threadCount : Volatile.Read(ref _default);
        set => Volatile.Write(ref _default, Check(value));
    }

    /// <summary>
    /// Runs <paramref name="action"/> with <see cref="Count"/> set to <paramref name="count"/> on this thread only.
    /// </summary>
    public static void With(int count, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Check(count);
        var saved = _threadCount;
        _threadCount = count;
        try { action(); }
        finally { _threadCount = saved; }
    }

    private static int Check(int count) =>
        count >= 1 ? count : throw new ArgumentOutOfRangeException(nameof(count), count,
            "KernelThreads.Count must be at least 1.");
}
