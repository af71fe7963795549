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

    /// <summary>Runs <paramref name="body"/>(i) for i in [0, parts); parts beyond the pool size share no state.</summary>
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
        try
        {
            while (Workers.Count < parts - 1) Workers.Add(new Worker(Workers.Count + 1));
            using var done = new CountdownEvent(parts - 1);
            for (var i = 1; i < parts; i++) Workers[i - 1].Start(body, i, done);
            Exception? first = null;
            try { body(0); }
            catch (Exception e) { first = e; }
            done.Wait();
            for (var i = 1; i < parts; i++)
            {
                var error = Workers[i - 1].TakeError();
                first ??= error;
            }
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
        finally { Gate.Exit(); }
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
