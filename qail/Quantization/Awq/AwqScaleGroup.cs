namespace Qail.Quantization;

/// <summary>
/// Producers that together make a set of channels and the layers reading them; one scale vector serves all.
/// </summary>
internal sealed record AwqScaleGroup(int Channels, IReadOnlyList<AwqFold> Producers, IReadOnlyList<AwqReader> Readers)
{
    /// <summary>
    /// Checks that every producer scales <see cref="Channels"/> channels and every reader holds them.
    /// </summary>
    public void Validate()
    {
        foreach (var p in Producers)
            if (p.Channels != Channels)
                throw new InvalidOperationException(
                    $"AWQ plan: producer {p.Path} has {p.Channels} channels, the group {Channels}.");
        foreach (var r in Readers)
            if (r.Offset < 0 || r.Repeat < 1 || r.Offset + Channels * r.Repeat > r.Columns)
                throw new InvalidOperationException($"AWQ plan: reader {r.Path} has {r.Columns} input columns; the "
                    + $"group needs {r.Offset} + {Channels} x {r.Repeat}.");
    }
}
