using System.Runtime.InteropServices;

namespace Qail.Perf.Peers;

/// <summary>
/// CPU time consumed by the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). On a machine shared with other jobs it
/// leaves out the time the thread waited to be scheduled, so one-thread comparisons stay readable under load; it
/// says nothing about work done on other threads, so it only fits rows where both sides run on the caller.
/// </summary>
internal static unsafe partial class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3;

    /// <summary>True where the clock can be read (Linux).</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>Seconds of CPU time this thread has used.</summary>
    public static double Seconds()
    {
        TimeSpec t;
        if (ClockGetTime(ThreadCpuTimeId, &t) != 0)
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, TimeSpec* time);
}
