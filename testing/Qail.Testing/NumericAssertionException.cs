namespace Qail.Testing;

/// <summary>
/// A numerical assertion failed; the message names the worst element, its index and the values involved.
/// </summary>
public sealed class NumericAssertionException(string message) : Exception(message);
