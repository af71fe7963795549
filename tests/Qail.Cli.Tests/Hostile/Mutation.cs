using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Qail.Cli.Tests.Hostile;

/// <summary>What a mutation does to a file's bytes.</summary>
public enum MutationKind
{
    /// <summary>Flips one bit.</summary>
    FlipBit,
    /// <summary>Sets one byte to a boundary value (0x00, 0x7F, 0x80, 0xFF) or a JSON delimiter.</summary>
    SetByte,
    /// <summary>Cuts the file short.</summary>
    Truncate,
    /// <summary>Inserts bytes.</summary>
    Insert,
    /// <summary>Deletes a run of bytes.</summary>
    Delete,
    /// <summary>Overwrites the 8-byte header length with a boundary value.</summary>
    HeaderLength,
    /// <summary>Writes one number of the JSON header as a string (type confusion).</summary>
    NumberAsString,
    /// <summary>
    /// Replaces one number of the JSON header with a boundary value (huge, negative, fractional, zero).
    /// </summary>
    NumberReplaced,
    /// <summary>Copies a run of bytes over another place.</summary>
    Duplicate,
}

/// <summary>
/// One mutation of a file, independent of its length: positions are taken modulo the part they aim at, and two
/// in three aim at the header (8-byte length and JSON), where a structural check must catch them.
/// </summary>
public sealed record Mutation(MutationKind Kind, int Position, int Count, int Choice, bool InHeader, bool Restamp)
{
    private static readonly byte[] Bytes = [0x00, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'{', (byte)'}', (byte)',',
        (byte)'[', (byte)'9', (byte)'-'];
    private static readonly ulong[] Lengths = [0, 1, 2, 7, 8, 1UL << 31, 1UL << 32, 1UL << 63, ulong.MaxValue,
        100_000_000];
    private static readonly string[] Numbers = ["-1", "0", "1e30", "3.5", "65536", "32768", "2147483647", "2147483648",
        "4294967296",
        "9223372036854775807", "18446744073709551616", "1e-45", "-0", "NaN", "true", "null", "[]", "{}"];

    /// <summary>All mutations, for FsCheck.</summary>
    public static Arbitrary<Mutation> Arbitrary() =>
        (from kind in Gen.Elements(Enum.GetValues<MutationKind>())
         from position in Gen.Choose(0, int.MaxValue)
         from count in Gen.Choose(1, 64)
         from choice in Gen.Choose(0, 1 << 20)
         from header in Gen.Choose(0, 2)
         from restamp in Gen.Elements(true, false)
         select new Mutation(kind, position, count, choice, header < 2, restamp)).ToArbitrary();

    /// <summary>The mutated copy of <paramref name="file"/>.</summary>
    public byte[] Apply(byte[] file)
    {
        int headerEnd = file.Length >= 8 ? (int)Math.Min((ulong)file.Length,
            8 + BinaryPrimitives.ReadUInt64LittleEndian(file)) : file.Length;
        int span = InHeader ? Math.Max(1, headerEnd) : Math.Max(1, file.Length);
        int at = Position % span;
        var bytes = new List<byte>(file);
        switch (Kind)
        {
            case MutationKind.FlipBit:
                if (at < bytes.Count) bytes[at] ^= (byte)(1 << (Choice % 8));
                break;
            case MutationKind.SetByte:
                if (at < bytes.Count) bytes[at] = Bytes[Choice % Bytes.Length];
                break;
            case MutationKind.Truncate:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case MutationKind.Insert:
                bytes.InsertRange(Math.Min(at, bytes.Count),
                    Enumerable.Range(0, Count).Select(i => (byte)((Choice >> (i % 16)) * 31 + i)));
                break;
            case MutationKind.Delete:
                bytes.RemoveRange(at, Math.Min(Count, bytes.Count - at));
                break;
            case MutationKind.HeaderLength:
                var length = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, Lengths[Choice % Lengths.Length]);
                for (int i = 0; i < 8 && i < bytes.Count; i++) bytes[i] = length[i];
                break;
            case MutationKind.NumberAsString or MutationKind.NumberReplaced:
                return Json(file, headerEnd);
            default:
                int from = Position % Math.Max(1, file.Length), to = Choice % Math.Max(1, file.Length);
                for (int i = 0; i < Count && from + i < file.Length && to + i < bytes.Count; i++)
                    bytes[to + i] = file[from + i];
                break;
        }
        var mutated = bytes.ToArray();
        return Restamp ? FileEdits.Restamp(mutated) : mutated;
    }

    // Rewrites one number of the JSON header (the Choice-th, cyclically), keeping the header length field consistent.
    private byte[] Json(byte[] file, int headerEnd)
    {
        if (headerEnd <= 8) return file;
        string header = Encoding.UTF8.GetString(file, 8, headerEnd - 8);
        var numbers = System.Text.RegularExpressions.Regex.Matches(header, @"(?<=[:\[,])-?\d+(\.\d+)?");
        if (numbers.Count == 0) return file;
        var target = numbers[Choice % numbers.Count];
        // Inside a metadata string (the deployed policy's config is JSON within JSON), quotes are escaped.
        string quote = InsideString(header, target.Index) ? "\\\"" : "\"";
        string replacement = Kind == MutationKind.NumberAsString
            ? $"{quote}{target.Value}{quote}" : Numbers[Position % Numbers.Length];
        string edited = header[..target.Index] + replacement + header[(target.Index + target.Length)..];
        var json = Encoding.UTF8.GetBytes(edited);
        var result = new byte[8 + json.Length + file.Length - headerEnd];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        file.AsSpan(headerEnd).CopyTo(result.AsSpan(8 + json.Length));
        return Restamp ? FileEdits.Restamp(result) : result;
    }

    private static bool InsideString(string json, int index)
    {
        bool inside = false;
        for (int i = 0; i < index; i++)
        {
            if (json[i] == '\\') i++;
            else if (json[i] == '"') inside = !inside;
        }
        return inside;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Kind} at {Position} x{Count} choice {Choice}"
            + $"{(InHeader ? " (header)" : "")}{(Restamp ? " restamped" : "")}");
}
