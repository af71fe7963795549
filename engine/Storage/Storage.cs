namespace Qail.Engine;

/// <summary>
/// A flat buffer of elements that tensors view through shape, strides and offset. Several tensors
/// may share one storage (views); its length never changes.
/// </summary>
public abstract class Storage
{
    /// <summary>Element type of the buffer.</summary>
    public abstract DType DType { get; }

    /// <summary>Number of elements (not bytes).</summary>
    public abstract long Length { get; }

    /// <summary>Device holding the buffer.</summary>
    public abstract Device Device { get; }
}
