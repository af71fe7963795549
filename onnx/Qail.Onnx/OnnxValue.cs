namespace Qail.Onnx;

/// <summary>
/// A value of the exported graph: its ONNX name and the shape it has there. The runtime holds every value as a flat
/// vector; an op reshapes its inputs to the shape it needs (a no-op when they have it already).
/// </summary>
/// <param name="Name">The ONNX value name.</param>
/// <param name="Shape">Its dimensions.</param>
/// <param name="Integer">True for int64 indices (token ids, the command), false for floats.</param>
internal sealed record OnnxValue(string Name, long[] Shape, bool Integer = false)
{
    /// <summary>Element count.</summary>
    public long Size => Shape.Aggregate(1L, (a, b) => a * b);
}
