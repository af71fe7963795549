using System.Buffers.Binary;
using System.Text.Json;

namespace Qail.Import;

/// <summary>
/// Reads a PyTorch state dict saved as safetensors (`safetensors.torch.save_file(model.state_dict(), path)`): float
/// tensors in F32, F64, F16 or BF16 are widened to float32; integer tensors (BatchNorm's num_batches_tracked) are
/// listed by name but not read. The file is untrusted: the header length, every shape, dtype and byte range are
/// checked against the file before anything is allocated for the data.
/// </summary>
public static class TorchStateDict
{
    /// <summary>Largest header accepted (the safetensors library's own bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Largest tensor read, in elements (a policy's largest layer is far below this).</summary>
    public const long MaxElements = 1L << 28;

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["F32"] = 4, ["F64"] = 8, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>The float tensors of the file by name, and the names of the integer tensors it also holds.</summary>
    public static (IReadOnlyDictionary<string, TorchTensor> Floats, IReadOnlyList<string> Integers) Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// As <see cref="Load"/>, from the bytes of a file; <paramref name="source"/> names it in errors.
    /// </summary>
    public static (IReadOnlyDictionary<string, TorchTensor> Floats, IReadOnlyList<string> Integers) Read(
        ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < 8) throw Bad(source, $"has {file.Length} bytes, fewer than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes || (long)headerLength > file.Length - 8)
            throw Bad(source, $"header length {headerLength} exceeds the {file.Length - 8} bytes after the prefix.");
        var data = file[(8 + (int)headerLength)..];
        var floats = new Dictionary<string, TorchTensor>(StringComparer.Ordinal);
        var integers = new List<string>();
        JsonDocument doc;
        try
        {
            var header = file.Slice(8, (int)headerLength).ToArray();
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad(source, $"header is not well-formed JSON ({e.Message}).");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(source, "header is not a JSON object.");
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var (dtype, shape, begin, end) = Entry(entry, source);
                long count = 1;
                foreach (var d in shape) count = checked(count * d);
                if (count > MaxElements)
                    throw Bad(source, $"tensor '{entry.Name}' has {count} elements, over {MaxElements}.");
                if (end - begin != count * ElementSizes[dtype] || end > data.Length)
                    throw Bad(source,
                        $"tensor '{entry.Name}' ({dtype}, shape [{string.Join(", ", shape)}]) has byte range " +
                        $"[{begin}, {end}) that does not fit its shape or the {data.Length}-byte data section.");
                if (dtype is "F32" or "F64" or "F16" or "BF16")
                    floats[entry.Name] =
                        new TorchTensor(entry.Name, dtype, shape, Widen(dtype, data[(int)begin..(int)end], count));
                else
                    integers.Add(entry.Name);
            }
        }
        return (floats, integers);
    }

    private static (string DType, int[] Shape, long Begin, long End) Entry(JsonProperty entry, string source)
    {
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            throw Bad(source, $"tensor '{entry.Name}' lacks a string dtype, a shape array or two data_offsets.");
        var dtype = dtypeJson.GetString()!;
        if (!ElementSizes.ContainsKey(dtype))
            throw Bad(source,
                $"tensor '{entry.Name}' has dtype \"{dtype}\" (known: {string.Join(", ", ElementSizes.Keys)}).");
        if (shapeJson.GetArrayLength() > 8) throw Bad(source, $"tensor '{entry.Name}' has more than 8 dimensions.");
        var shape = new int[shapeJson.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeJson.EnumerateArray())
            if (!d.TryGetInt32(out shape[i++]) || shape[i - 1] < 0)
                throw Bad(source, $"tensor '{entry.Name}' has a dimension that is not a non-negative 32-bit integer.");
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw Bad(source, $"tensor '{entry.Name}' has data_offsets that are not 0 <= begin <= end.");
        return (dtype, shape, begin, end);
    }

    private static float[] Widen(string dtype, ReadOnlySpan<byte> bytes, long count)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]),
                // bfloat16 is the top half of a float32: widening is exact.
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16),
            };
        return values;
    }

    private static InvalidDataException Bad(string source, string what) => new($"{source}: {what}");
}
