namespace Qail.Autograd;

/// <summary>
/// Thread-local switch for graph recording. Inside <c>using var _ = GradMode.NoGrad();</c> ops compute values only
/// and record nothing, so results never require gradients (used for evaluation and optimizer updates).
/// </summary>
/// <remarks>Named GradMode rather than Autograd: a type called Autograd would be hidden by the namespace
/// Qail.Autograd in every namespace under Qail (Qail.Nn, Qail), where <c>Autograd.NoGrad()</c> would not
/// compile.</remarks>
public static class GradMode
{
    [ThreadStatic] private static int t_noGradDepth;

    /// <summary>True when ops on this thread record the graph (no <see cref="NoGrad"/> scope is open).</summary>
    public static bool IsEnabled => t_noGradDepth == 0;

    /// <summary>Opens a scope in which nothing is recorded on this thread; scopes nest; dispose to close.</summary>
    public static NoGradScope NoGrad()
    {
        t_noGradDepth++;
        return new NoGradScope(Environment.CurrentManagedThreadId);
    }

    /// <summary>Closes one <see cref="NoGrad"/> scope; must be disposed on the thread that opened it.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly int _threadId;

        internal NoGradScope(int threadId) => _threadId = threadId;

        /// <summary>Re-enables recording once the outermost scope closes.</summary>
        public void Dispose()
        {
            if (_threadId == 0) return;
            if (_threadId != Environment.CurrentManagedThreadId)
                throw new InvalidOperationException(
                    "NoGrad scope disposed on a different thread than the one that opened it.");
            if (t_noGradDepth == 0)
                throw new InvalidOperationException("NoGrad scope disposed more times than it was opened.");
            t_noGradDepth--;
        }
    }
}
