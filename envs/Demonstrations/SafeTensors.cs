using System.Buffers.Binary;
using System.Text.Json;

namespace Qail.Envs;

/// <summary>Element types of the safetensors format that this reader accepts.</summary>
public enum SafeTensorDType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 32-bit integer, little-endian.</summary>
    I32,
    /// <summary>Signed 64-bit integer, little-endian.</summary>
    I64,
    /// <summary>IEEE 754 binary32, little-endian.</summary>
    F32,
    /// <summary>IEEE 754 binary64, little-endian.</summary>
    F64,
}

/// <summary>One named tensor: element type, shape and raw little-endian bytes.</summary>
public sealed record SafeTensor(string Name, SafeTensorDType DType, long[] Shape, byte[] Data);

/// <summary>
/// The safetensors container: 8-byte little-endian header length, a JSON header mapping each tensor name to
/// {dtype, shape, data_offsets} plus an optional "__metadata__" string map, then the raw data. Reading treats the
/// bytes as untrusted and checks every field; each violation throws <see cref="InvalidDataException"/>.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted on load (bytes).</summary>
    public const long MaxHeaderLength = 16 << 20;

    private const string MetadataKey = "__metadata__";

    /// <summary>Element size in bytes.</summary>
    public static int SizeOf(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.U8 => 1,
        SafeTensorDType.I32 or SafeTensorDType.F32 => 4,
        SafeTensorDType.I64 or SafeTensorDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), $"SafeTensors: unknown dtype {dtype}."),
    };

    /// <summary>Serializes tensors (in the given order) and metadata.</summary>
    public static byte[] Write(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in tensors)
            {
                if (t.Name == MetadataKey || !names.Add(t.Name))
                    throw new ArgumentException($"SafeTensors.Write: tensor name '{t.Name}' is reserved or repeated.",
                        nameof(tensors));
                long expected = ElementCount(t.Shape, t.Name) * SizeOf(t.DType);
                if (expected != t.Data.Length)
                    throw new ArgumentException($"SafeTensors.Write: tensor '{t.Name}' has {t.Data.Length} bytes, "
                        + $"shape [{string.Join(", ", t.Shape)}] x {t.DType} needs {expected}.", nameof(tensors));
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToString());
                json.WriteStartArray("shape");
                foreach (long d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Data.Length;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so the data stays aligned.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        using var output = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        output.Write(length);
        header.Position = 0;
        header.CopyTo(output);
        foreach (var t in tensors) output.Write(t.Data);
        return output.ToArray();
    }

    /// <summary>Parses and validates a safetensors byte image; returns the tensors by name and the metadata.</summary>
    /// <exception cref="InvalidDataException">Any structural violation, named in the message.</exception>
    public static (IReadOnlyDictionary<string, SafeTensor> Tensors,
        IReadOnlyDictionary<string, string> Metadata) Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 8)
            throw new InvalidDataException(
                $"safetensors: file of {file.Length} bytes is shorter than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)MaxHeaderLength)
            throw new InvalidDataException(
                $"safetensors: header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes.");
        if (headerLength < 2 || headerLength > (ulong)(file.Length - 8))
            throw new InvalidDataException(
                $"safetensors: header length {headerLength} does not fit a file of {file.Length} bytes.");
        var header = file.Slice(8, (int)headerLength);
        var data = file[(8 + (int)headerLength)..];

        var entries = new List<(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 8 });
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "header is not a JSON object");
            while (true)
            {
                Expect(reader.Read(), "header ends early");
                if (reader.TokenType == JsonTokenType.EndObject) break;
                Expect(reader.TokenType == JsonTokenType.PropertyName, "expected a tensor name");
                string name = reader.GetString()!;
                Expect(seen.Add(name), $"key '{name}' appears twice");
                if (name == MetadataKey) ReadMetadata(ref reader, metadata);
                else entries.Add(ReadEntry(ref reader, name));
            }
            // Only whitespace padding may follow the object.
            Expect(!reader.Read(), "trailing content after the header object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8.
            throw new InvalidDataException($"safetensors: header is not well-formed JSON: {e.Message}", e);
        }

        // Offsets lie inside the data, do not overlap and leave no holes.
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long cursor = 0;
        foreach (var e in ordered)
        {
            if (e.Begin != cursor)
                throw new InvalidDataException(
                    $"safetensors: tensor '{e.Name}' starts at {e.Begin}, expected {cursor} (overlap or hole).");
            if (e.End > data.Length)
                throw new InvalidDataException(
                    $"safetensors: tensor '{e.Name}' ends at {e.End}, past the {data.Length} data bytes.");
            cursor = e.End;
        }
        if (cursor != data.Length)
            throw new InvalidDataException($"safetensors: tensors cover {cursor} of {data.Length} data bytes.");

        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach (var e in entries)
            tensors[e.Name] = new SafeTensor(e.Name, e.DType, e.Shape, data[(int)e.Begin..(int)e.End].ToArray());
        return (tensors, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "__metadata__ is not an object");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            Expect(reader.TokenType == JsonTokenType.PropertyName, "__metadata__ expects string keys");
            string key = reader.GetString()!;
            Expect(reader.Read() && reader.TokenType == JsonTokenType.String,
                $"__metadata__ value of '{key}' is not a string");
            Expect(metadata.TryAdd(key, reader.GetString()!), $"__metadata__ key '{key}' appears twice");
        }
        Expect(reader.TokenType == JsonTokenType.EndObject, "__metadata__ ends early");
    }

    private static (string, SafeTensorDType, long[], long, long) ReadEntry(ref Utf8JsonReader reader, string name)
    {
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, $"tensor '{name}' is not an object");
        SafeTensorDType? dtype = null;
        long[]? shape = null, offsets = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            Expect(reader.TokenType == JsonTokenType.PropertyName, $"tensor '{name}' has a malformed field");
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype" when dtype is null:
                    Expect(reader.Read() && reader.TokenType == JsonTokenType.String,
                        $"tensor '{name}' dtype is not a string");
                    dtype = reader.GetString() switch
                    {
                        "U8" => SafeTensorDType.U8,
                        "I32" => SafeTensorDType.I32,
                        "I64" => SafeTensorDType.I64,
                        "F32" => SafeTensorDType.F32,
                        "F64" => SafeTensorDType.F64,
                        var other => throw new InvalidDataException(
                            $"safetensors: tensor '{name}' has unknown dtype '{other}'."),
                    };
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, name, field, maxCount: 8);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, name, field, maxCount: 2);
                    Expect(offsets.Length == 2,
                        $"tensor '{name}' data_offsets must hold 2 numbers, got {offsets.Length}");
                    break;
                default:
                    throw new InvalidDataException(
                        $"safetensors: tensor '{name}' has an unknown or repeated field '{field}'.");
            }
        }
        Expect(reader.TokenType == JsonTokenType.EndObject, $"tensor '{name}' ends early");
        Expect(dtype is not null && shape is not null && offsets is not null,
            $"tensor '{name}' lacks dtype, shape or data_offsets");
        long begin = offsets![0], end = offsets[1];
        Expect(begin <= end, $"tensor '{name}' data_offsets [{begin}, {end}] are reversed");
        long count = 1;
        foreach (long d in shape!)
        {
            Expect(d <= int.MaxValue && (d == 0 || count <= long.MaxValue / 8 / d),
                $"tensor '{name}' shape [{string.Join(", ", shape)}] is too large");
            count *= d;
        }
        long bytes = count * SizeOf(dtype!.Value);
        Expect(bytes == end - begin, $"tensor '{name}' shape [{string.Join(", ", shape)}] x {dtype} is {bytes} bytes "
            + $"but data_offsets span {end - begin}");
        return (name, dtype.Value, shape, begin, end);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string field, int maxCount)
    {
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartArray,
            $"tensor '{name}' {field} is not an array");
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long v) && v >= 0,
                $"tensor '{name}' {field} holds a value that is not a non-negative integer");
            Expect(values.Count < maxCount, $"tensor '{name}' {field} has more than {maxCount} entries");
            values.Add(reader.GetInt64());
        }
        Expect(reader.TokenType == JsonTokenType.EndArray, $"tensor '{name}' {field} ends early");
        return values.ToArray();
    }

    private static long ElementCount(long[] shape, string name)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0 || (d > 0 && count > long.MaxValue / 8 / d))
                throw new ArgumentException(
                    $"SafeTensors.Write: tensor '{name}' shape [{string.Join(", ", shape)}] is invalid.");
            count *= d;
        }
        return count;
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition) throw new InvalidDataException($"safetensors: {message}.");
    }
}
