namespace Qail.Cli.Commands;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the caller's thread at once, so lines print in order before the
/// command returns.
/// </summary>
internal sealed class ImmediateProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
