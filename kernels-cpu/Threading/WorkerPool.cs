namespace Qail.Kernels.Cpu;

/// <summary>
/// A small persistent pool of worker threads for kernels: <see cref="Run"/> hands part i of a job to
/// worker i (part 0 runs on the caller) and waits for all parts. Threads are created once and reused,
/// so a call costs a wake-up, not a thread start or a Parallel.For scheduling round.
/// </summary>
internal static class WorkerPool
{
    private static readonly Lock Gate = new();
    private static readonly List<Worker> Workers = [];

    // One countdown for the pool's owner (the gate admits one caller at a time), reset per call.
    private static readonly CountdownEvent Done = new(1);

    /// <summary>
    /// Runs <paramref name="body"/>(i) for i in [0, parts); parts beyond the pool size share no state.
    /// </summary>
    public static void Run(int parts, Action<int> body)
    {
        if (parts <= 1) { body(0); return; }
        // A second caller (another thread, or a kernel called from inside a part) does not wait for
        // the pool: it runs its parts inline, which gives the same bits because the partition is fixed.
        // (Lock is reentrant, so a nested call on the owning thread must be caught before TryEnter.)
        if (Gate.IsHeldByCurrentThread || !Gate.TryEnter())
        {
            for (var i = 0; i < parts; i++) body(i);
            return;
        }
        try { RunOwned(parts, body); }
        finally { Gate.Exit(); }
    }

    /// <summary>
    /// Runs part i of <paramref name="job"/> for i in [0, parts) like <see cref="Run(int, Action{int})"/>, allocating
    /// nothing: the job is parked in a static slot of its type that a cached delegate reads.
    /// </summary>
    public static void Run<TJob>(int parts, in TJob job) where TJob : struct, IPartitionedJob
    {
        if (parts <= 1) { job.Part(0, 1); return; }
        if (Gate.IsHeldByCurrentThread || !Gate.TryEnter())
        {
            for (var i = 0; i < parts; i++) job.Part(i, parts);
            return;
        }
        try
        {
            Slot<TJob>.Job = job;
            Slot<TJob>.Parts = parts;
            RunOwned(parts, Slot<TJob>.Body);
        }
        finally
        {
            Slot<TJob>.Job = default;
            Gate.Exit();
        }
    }

    // Called with the gate held: part 0 on the caller, part i on worker i; rethrows the first failure.
    private static void RunOwned(int parts, Action<int> body)
    {
        while (Workers.Count < parts - 1) Workers.Add(new Worker(Workers.Count + 1));
        Done.Reset(parts - 1);
        for (var i = 1; i < parts; i++) Workers[i - 1].Start(body, i, Done);
        Exception? first = null;
        try { body(0); }
        catch (Exception e) { first = e; }
        Done.Wait();
        for (var i = 1; i < parts; i++)
        {
            var error = Workers[i - 1].TakeError();
            first ??= error;
        }
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    // The job of the call that owns the pool, by job type; written under the gate before the workers wake.
    private static class Slot<TJob> where TJob : struct, IPartitionedJob
    {
        public static TJob Job;
        public static int Parts;
        public static readonly Action<int> Body = part => Job.Part(part, Parts);
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private Action<int>? _body;
        private int _part;
        private CountdownEvent? _done;
        private Exception? _error;

        public Worker(int id)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"qail-kernel-{id}" };
            thread.Start();
        }

        public void Start(Action<int> body, int part, CountdownEvent done)
        {
            _body = body;
            _part = part;
            _done = done;
            _wake.Release();
        }

        public Exception? TakeError()
        {
            var e = _error;
            _error = null;
            return e;
        }

        private void Loop()
        {
            while (true)
            {
                _wake.Wait();
                try { _body!(_part); }
                catch (Exception e) { _error = e; }
                finally
                {
                    _body = null;
                    var done = _done!;
                    _done = null;
                    done.Signal();
                }
            }
        }
    }
}
