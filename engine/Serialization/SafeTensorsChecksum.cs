using System.Globalization;
using System.Text;
using Qail.IO;

namespace Qail.Engine.Serialization;

/// <summary>
/// The optional whole-file checksum of a safetensors file: a CRC-32 of every byte, computed with its own 8 hex digits
/// read as "00000000", stored in the metadata under <see cref="SafeTensors.ChecksumKey"/>. Files qail writes for its
/// own formats carry it, so any changed byte is caught; files from other writers simply lack it.
/// </summary>
internal static class SafeTensorsChecksum
{
    private const string Placeholder = "00000000";
    private static readonly byte[] Needle = Encoding.ASCII.GetBytes($"\"{SafeTensors.ChecksumKey}\":\"");

    /// <summary>Metadata with the checksum field set to the placeholder, for the writer.</summary>
    public static Dictionary<string, string> WithPlaceholder(IReadOnlyDictionary<string, string>? metadata)
    {
        var copy = metadata is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        copy[SafeTensors.ChecksumKey] = Placeholder;
        return copy;
    }

    /// <summary>Writes the CRC over <paramref name="file"/> (written with the placeholder) into its field.</summary>
    public static void Stamp(byte[] file)
    {
        int field = Field(file.AsSpan(8, (int)BitConverter.ToUInt64(file, 0)), null) + 8;
        uint crc = Crc32.Finish(Crc32.Update(Crc32.Initial, file));
        Encoding.ASCII.GetBytes(crc.ToString("x8", CultureInfo.InvariantCulture), file.AsSpan(field, 8));
    }

    /// <summary>
    /// Checks the stored CRC against the file (prefix, header, then the data section read through
    /// <paramref name="data"/> in chunks); throws <see cref="CheckpointException"/> when they differ.
    /// </summary>
    public static void Verify(ReadOnlySpan<byte> prefix, byte[] header, string stored, long dataLength,
        SafeTensors.ByteSource data)
    {
        int field = Field(header, stored);
        uint crc = Crc32.Update(Crc32.Initial, prefix);
        crc = Crc32.Update(crc, header.AsSpan(0, field));
        crc = Crc32.Update(crc, Encoding.ASCII.GetBytes(Placeholder));
        crc = Crc32.Update(crc, header.AsSpan(field + 8));
        var chunk = new byte[(int)Math.Min(dataLength, 1 << 20)];
        for (long offset = 0; offset < dataLength; offset += chunk.Length)
        {
            var part = chunk.AsSpan(0, (int)Math.Min(chunk.Length, dataLength - offset));
            data(offset, part);
            crc = Crc32.Update(crc, part);
        }
        string actual = Crc32.Finish(crc).ToString("x8", CultureInfo.InvariantCulture);
        if (actual != stored)
            throw new CheckpointException(CheckpointProblem.ChecksumMismatch, null,
                $"the stored checksum {stored} does not match the content ({actual}): the file is corrupted.");
    }

    // Offset of the field's 8 hex digits in the header: the key must appear once, as the writer lays it out.
    private static int Field(ReadOnlySpan<byte> header, string? stored)
    {
        int at = header.IndexOf(Needle);
        bool once = at >= 0 && header[(at + 1)..].IndexOf(Needle) < 0 && at + Needle.Length + 9 <= header.Length
            && header[at + Needle.Length + 8] == (byte)'"' && (stored is null || stored.Length == 8);
        if (!once)
            throw new CheckpointException(CheckpointProblem.ChecksumMismatch, null,
                $"the metadata's \"{SafeTensors.ChecksumKey}\" must appear once as 8 hex digits.");
        return at + Needle.Length;
    }
}
