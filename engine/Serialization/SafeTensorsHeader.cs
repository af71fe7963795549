using System.Collections.Immutable;
using System.Text.Json;
using Qail.Engine;

namespace Qail.Engine.Serialization;

/// <summary>
/// Parses and validates a safetensors JSON header with <see cref="Utf8JsonReader"/> (no reflection, AOT-safe).
/// Every structural, dtype, shape and offset rule is checked here, before any tensor data is read.
/// </summary>
internal static class SafeTensorsHeader
{
    private const string MetadataKey = "__metadata__";

    /// <summary>Validated entries (in header order) and the string metadata.</summary>
    public static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> json,
        long dataLength)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw Malformed(null, "the header is not valid UTF-8.");
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json,
            new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, "the header");
            while (true)
            {
                Read(ref reader, "the header");
                if (reader.TokenType == JsonTokenType.EndObject) break;
                string key = reader.GetString()!;
                if (!names.Add(key)) throw Malformed(key, "appears twice in the header.");
                if (key == MetadataKey) ReadMetadata(ref reader, metadata);
                else entries.Add(ReadEntry(ref reader, key, dataLength));
            }
            if (reader.Read()) throw Malformed(null, "content follows the header object.");
        }
        catch (JsonException e)
        {
            throw Malformed(null, $"the header is not well-formed JSON ({e.Message}).");
        }
        CheckRanges(entries, dataLength);
        return (entries, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        Expect(ref reader, JsonTokenType.StartObject, MetadataKey);
        while (true)
        {
            Read(ref reader, MetadataKey);
            if (reader.TokenType == JsonTokenType.EndObject) return;
            string key = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String, $"{MetadataKey}.{key}");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw Malformed(null, $"metadata key '{key}' appears twice.");
        }
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string name, long dataLength)
    {
        if (name.Length == 0) throw Malformed(null, "a tensor has an empty name.");
        Expect(ref reader, JsonTokenType.StartObject, name);
        string? dtypeName = null;
        List<long>? shape = null, offsets = null;
        while (true)
        {
            Read(ref reader, name);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype" when dtypeName is null:
                    Expect(ref reader, JsonTokenType.String, name);
                    dtypeName = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, name, field);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, name, field);
                    break;
                default:
                    throw Malformed(name,
                        $"field '{field}' is unknown or repeated (expected dtype, shape, data_offsets once each).");
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
            throw Malformed(name, "entry lacks one of dtype, shape, data_offsets.");
        if (!SafeTensorsDType.TryParse(dtypeName, out var dtype))
            throw new CheckpointException(CheckpointProblem.UnknownDType, name,
                $"dtype \"{dtypeName}\" is not supported (F32, F64, I32, I8, U8).");
        var dims = ValidateShape(name, shape);
        if (offsets.Count != 2)
            throw Malformed(name, $"data_offsets has {offsets.Count} entries, expected [begin, end].");
        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw new CheckpointException(CheckpointProblem.OffsetsOutOfRange, name,
                $"data_offsets [{begin}, {end}] are reversed.");
        long expected = Shapes.ElementCount(dims) * SafeTensorsDType.Size(dtype);
        if (end - begin != expected)
            throw new CheckpointException(CheckpointProblem.ByteLengthMismatch, name,
                $"data_offsets [{begin}, {end}] cover {end - begin} bytes but shape {Shapes.Format(dims)} of "
                + $"{dtypeName} needs {expected}.");
        return new SafeTensorsEntry(name, dtype, dims.ToImmutableArray(), begin, end);
    }

    private static int[] ValidateShape(string name, List<long> shape)
    {
        long count = 1;
        var dims = new int[shape.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = shape[i];
            count = d > 0 && count > Array.MaxLength / d ? Array.MaxLength + 1L : count * d;
            if (d > int.MaxValue || count > Array.MaxLength)
                throw new CheckpointException(CheckpointProblem.InvalidShape, name,
                    $"shape [{string.Join(", ", shape)}] has more than {Array.MaxLength} elements.");
            dims[i] = (int)d;
        }
        return dims;
    }

    /// <summary>
    /// Rejects ranges that share a byte, then ranges past the data section: a file whose ranges tile the data
    /// section from byte 0 without gaps but end past it was cut short (Truncated); anything else is a bad offset.
    /// </summary>
    private static void CheckRanges(List<SafeTensorsEntry> entries, long dataLength)
    {
        var byBegin = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin)
            .ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
        for (int i = 1; i < byBegin.Count; i++)
        {
            var previous = byBegin[i - 1];
            var current = byBegin[i];
            if (current.Begin < previous.End)
                throw new CheckpointException(CheckpointProblem.OverlappingOffsets, current.Name,
                    $"bytes [{current.Begin}, {current.End}) overlap tensor '{previous.Name}' at [{previous.Begin}, "
                    + $"{previous.End}).");
        }
        var empty = entries.FirstOrDefault(e => e.End == e.Begin && e.End > dataLength);
        if (empty is not null)
            throw new CheckpointException(CheckpointProblem.OffsetsOutOfRange, empty.Name,
                $"data_offsets [{empty.Begin}, {empty.End}] do not lie inside the data section of {dataLength} bytes.");
        var outside = byBegin.FirstOrDefault(e => e.End > dataLength);
        if (outside is null) return;
        bool tiled = byBegin[0].Begin == 0;
        for (int i = 1; i < byBegin.Count && tiled; i++) tiled = byBegin[i].Begin == byBegin[i - 1].End;
        if (tiled)
            throw new CheckpointException(CheckpointProblem.Truncated, outside.Name,
                $"the file ends early: its data needs {byBegin[^1].End} bytes but only {dataLength} are present.");
        throw new CheckpointException(CheckpointProblem.OffsetsOutOfRange, outside.Name,
            $"data_offsets [{outside.Begin}, {outside.End}] do not lie inside the data section of {dataLength} bytes.");
    }

    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string field)
    {
        Expect(ref reader, JsonTokenType.StartArray, $"{name}.{field}");
        var values = new List<long>();
        while (true)
        {
            Read(ref reader, name);
            if (reader.TokenType == JsonTokenType.EndArray) return values;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
                throw Malformed(name, $"{field} must hold non-negative integers.");
            if (values.Count >= 64) throw Malformed(name, $"{field} has more than 64 entries.");
            values.Add(v);
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string where)
    {
        Read(ref reader, where);
        if (reader.TokenType != token) throw Malformed(null, $"expected {token} in {where}, found {reader.TokenType}.");
    }

    private static void Read(ref Utf8JsonReader reader, string where)
    {
        if (!reader.Read()) throw Malformed(null, $"the header ends inside {where}.");
    }

    private static CheckpointException Malformed(string? name, string message) =>
        new(CheckpointProblem.MalformedHeader, name, message);
}
