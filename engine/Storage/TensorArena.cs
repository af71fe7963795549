namespace Qail.Engine;

/// <summary>
/// A pool of tensor buffers reused from one training step to the next. While a step scope from <see cref="Step"/> is
/// open on a thread, every CPU tensor of at least <see cref="MinimumLength"/> elements created on that thread takes
/// its buffer from the pool (zero-filled, or as the op asks, left stale when it overwrites it all); closing the scope
/// returns all of them at once. The same shapes recur every step, so a steady-state step allocates only small
/// objects: no large-object heap, no page faults, no gen-2 collections.
/// <para>
/// Tensors created inside a scope are valid only until it closes: reading one afterwards throws (its storage is
/// marked released) instead of returning another step's numbers. State that outlives the step (parameters,
/// gradients of leaves, optimizer moments, running statistics) is created under <see cref="Suspend"/> or copied into
/// tensors made outside the scope. One scope per thread at a time; the arena is not thread-safe, so give each thread
/// its own.
/// </para>
/// </summary>
public sealed class TensorArena
{
    /// <summary>Buffers shorter than this are ordinary allocations (cheap, and not worth a lookup).</summary>
    public const int MinimumLength = 1024;

    [ThreadStatic] private static TensorArena? t_active;
    [ThreadStatic] private static int t_suspended;

    private readonly Dictionary<(DType DType, int Length), Stack<Array>> _free = [];
    private readonly List<CpuStorage> _leased = [];
    private Thread? _owner;

    /// <summary>Buffers handed out since the arena was made that were not in the pool (the arena's misses).</summary>
    public long Misses { get; private set; }

    /// <summary>Bytes held by the pool's idle buffers.</summary>
    public long IdleBytes { get; private set; }

    /// <summary>Opens a step scope on the calling thread; disposing it (on that thread) returns the buffers.</summary>
    public StepScope Step()
    {
        if (t_active is not null)
            throw new InvalidOperationException("TensorArena.Step: a step scope is already open on this thread.");
        if (_owner is not null)
            throw new InvalidOperationException("TensorArena.Step: this arena's scope is open on another thread.");
        _owner = Thread.CurrentThread;
        t_active = this;
        return new StepScope(this);
    }

    /// <summary>
    /// Creates tensors with ordinary allocation until disposed, even inside a step scope: for state that outlives
    /// the step.
    /// </summary>
    public static SuspendScope Suspend()
    {
        t_suspended++;
        return new SuspendScope();
    }

    /// <summary>
    /// A buffer of <paramref name="length"/> elements from the open scope's pool; <paramref name="arena"/> is the
    /// arena that must track the storage (null outside a scope, while suspended, or for short buffers).
    /// </summary>
    internal static Array? Lease(DType dtype, int length, bool zeroed, out TensorArena? arena)
    {
        arena = t_suspended > 0 || length < MinimumLength ? null : t_active;
        if (arena is null) return null;
        if (arena._free.TryGetValue((dtype, length), out var stack) && stack.TryPop(out var buffer))
        {
            arena.IdleBytes -= (long)Buffer.ByteLength(buffer);
            if (zeroed) Array.Clear(buffer);
            return buffer;
        }
        arena.Misses++;
        return null;
    }

    /// <summary>Records storage over a leased or new buffer, to be returned when the scope closes.</summary>
    internal void Track(CpuStorage storage) => _leased.Add(storage);

    private void Close()
    {
        if (_owner != Thread.CurrentThread)
            throw new InvalidOperationException("TensorArena: close a step scope on the thread that opened it.");
        foreach (var storage in _leased)
        {
            var buffer = storage.Release();
            var key = (storage.DType, (int)storage.Length);
            if (!_free.TryGetValue(key, out var stack)) _free[key] = stack = new Stack<Array>();
            stack.Push(buffer);
            IdleBytes += Buffer.ByteLength(buffer);
        }
        _leased.Clear();
        _owner = null;
        t_active = null;
    }

    /// <summary>An open step scope; disposing it returns the step's buffers to the arena.</summary>
    public readonly struct StepScope : IDisposable
    {
        private readonly TensorArena? _arena;

        internal StepScope(TensorArena arena) => _arena = arena;

        /// <summary>Returns every buffer handed out in the scope; tensors over them can no longer be read.</summary>
        public void Dispose() => _arena?.Close();
    }

    /// <summary>A suspension of the arena on this thread; see <see cref="Suspend"/>.</summary>
    public readonly struct SuspendScope : IDisposable
    {
        /// <summary>Ends the suspension.</summary>
        public void Dispose() => t_suspended--;
    }
}
