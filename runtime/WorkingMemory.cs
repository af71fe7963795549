using Qail.Engine.Serialization;

namespace Qail.Runtime;

/// <summary>
/// The memory a policy file may make the reader set aside for activations and scratch (graph slots, op buffers),
/// charged before each buffer is allocated: at most <see cref="Limit"/>(n) bytes for a file of n bytes, so a small
/// file cannot declare gigabytes of intermediate values.
/// </summary>
internal sealed class WorkingMemory(long fileBytes)
{
    private long _reserved;

    /// <summary>48 MB plus 4 bytes per file byte: every shipped policy's activations fit the constant part.</summary>
    public static long Limit(long fileBytes) => (48L << 20) + 4 * Math.Max(0, fileBytes);

    /// <summary>Bytes reserved so far.</summary>
    public long Reserved => _reserved;

    /// <summary>
    /// Charges <paramref name="bytes"/> for <paramref name="what"/>; throws naming the limit when they do not fit.
    /// </summary>
    public void Reserve(long bytes, string what)
    {
        long limit = Limit(fileBytes);
        if (bytes < 0 || bytes > limit - _reserved)
            throw new CheckpointException(CheckpointProblem.MalformedHeader, null,
                $"integer policy: {what} needs {bytes} bytes of working memory; with {_reserved} already set aside, " +
                "that exceeds the limit of " +
                $"{limit} bytes for a {fileBytes}-byte file (48 MB + 4 bytes per file byte).");
        _reserved += bytes;
    }
}
