using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Qail.Engine;
using Qail.IO;

namespace Qail.Engine.Serialization;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header
/// (name -> dtype, shape, data_offsets; optional "__metadata__"), then raw little-endian tensor bytes.
/// Files are untrusted: the header is fully validated before any tensor is materialised.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest accepted JSON header, as in the Python library (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>
    /// Metadata key of the whole-file CRC-32 that qail's own formats carry (see
    /// <see cref="SafeTensorsArchive.Checksummed"/>).
    /// </summary>
    public const string ChecksumKey = "qail.crc32";

    /// <summary>
    /// Encodes tensors (ordered by name) and optional metadata into safetensors bytes; with <paramref name="checksum"/>
    /// the metadata also carries the CRC-32 of the whole file, verified on every load.
    /// </summary>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null,
        bool checksum = false)
    {
        var buffer = new MemoryStream();
        Write(buffer, tensors, checksum ? SafeTensorsChecksum.WithPlaceholder(metadata) : metadata);
        var file = buffer.ToArray();
        if (checksum) SafeTensorsChecksum.Stamp(file);
        return file;
    }

    /// <summary>
    /// Writes tensors to <paramref name="path"/> atomically: a temporary file in the same folder, flushed, then renamed
    /// over the target (leftovers of killed writers there are removed); <paramref name="checksum"/> as in
    /// <see cref="Serialize"/>.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null,
        bool checksum = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (checksum) AtomicFile.WriteAllBytes(path, Serialize(tensors, metadata, checksum: true));
        else AtomicFile.Write(path, stream => Write(stream, tensors, metadata));
    }

    /// <summary>
    /// Writes the safetensors encoding to a stream; header padded with spaces to a multiple of 8 bytes like the Python
    /// writer.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = tensors.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        for (int i = 0; i < ordered.Count; i++)
        {
            var (name, tensor) = (ordered[i].Key, ordered[i].Value);
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
                throw new ArgumentException($"SafeTensors.Write: tensor name '{name}' is empty or reserved.",
                    nameof(tensors));
            if (i > 0 && ordered[i - 1].Key == name)
                throw new ArgumentException($"SafeTensors.Write: tensor name '{name}' appears twice.", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, name);
            SafeTensorsDType.Name(tensor.DType);
        }

        var header = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in ordered)
            {
                long bytes = tensor.ElementCount * SafeTensorsDType.Size(tensor.DType);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsDType.Name(tensor.DType));
                json.WriteStartArray("shape");
                foreach (int d in tensor.ShapeSpan) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int padded = (header.WrittenCount + 7) / 8 * 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        stream.Write(prefix);
        stream.Write(header.WrittenSpan);
        for (int i = header.WrittenCount; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var (_, tensor) in ordered) stream.Write(LittleEndianBytes(tensor));
    }

    /// <summary>
    /// Decodes and validates safetensors bytes; throws <see cref="CheckpointException"/> naming the fault.
    /// </summary>
    public static SafeTensorsArchive Deserialize(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        var prefix = copy.AsSpan(0, Math.Min(8, copy.Length));
        var (entries, metadata, dataStart, header) = ReadLayout(copy.Length, prefix, n => copy.AsSpan(8, n).ToArray());
        ByteSource source = (offset, destination) =>
            copy.AsSpan((int)(dataStart + offset), destination.Length).CopyTo(destination);
        bool checksummed = Verify(prefix, header, metadata, copy.Length - dataStart, source);
        return Materialise(entries, metadata, source, checksummed);
    }

    /// <summary>
    /// Reads and validates a safetensors file; throws <see cref="CheckpointException"/> naming the fault.
    /// </summary>
    public static SafeTensorsArchive Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        var prefix = new byte[Math.Min(8, length)];
        ReadExactly(handle, 0, prefix);
        var (entries, metadata, dataStart, header) = ReadLayout(length, prefix, n =>
        {
            var header = new byte[n];
            ReadExactly(handle, 8, header);
            return header;
        });
        ByteSource source = (offset, destination) => ReadExactly(handle, dataStart + offset, destination);
        bool checksummed = Verify(prefix, header, metadata, length - dataStart, source);
        return Materialise(entries, metadata, source, checksummed);
    }

    /// <summary>Reads just the validated header records of a file, without its data.</summary>
    public static IReadOnlyList<SafeTensorsEntry> ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        var prefix = new byte[Math.Min(8, length)];
        ReadExactly(handle, 0, prefix);
        return ReadLayout(length, prefix, n =>
        {
            var header = new byte[n];
            ReadExactly(handle, 8, header);
            return header;
        }).Entries;
    }

    /// <summary>
    /// Copies bytes of the data section, from <paramref name="offset"/> on, into <paramref name="destination"/>.
    /// </summary>
    internal delegate void ByteSource(long offset, Span<byte> destination);

    // Verifies and removes the checksum field when the metadata has one; true when it did.
    private static bool Verify(ReadOnlySpan<byte> prefix, byte[] header, Dictionary<string, string> metadata,
        long dataLength, ByteSource source)
    {
        if (!metadata.Remove(ChecksumKey, out var stored)) return false;
        SafeTensorsChecksum.Verify(prefix, header, stored, dataLength, source);
        return true;
    }

    private static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata, long DataStart, byte[] Header)
        ReadLayout(long fileLength, ReadOnlySpan<byte> prefix, Func<int, byte[]> readHeader)
    {
        if (fileLength < 8)
            throw new CheckpointException(CheckpointProblem.Truncated, null,
                $"the file has {fileLength} bytes, fewer than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointException(CheckpointProblem.HeaderLength, null,
                $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte bound.");
        if ((long)headerLength > fileLength - 8)
            throw new CheckpointException(CheckpointProblem.HeaderLength, null,
                $"header length {headerLength} exceeds the {fileLength - 8} bytes that follow the length prefix (file "
                + "truncated or length corrupt).");
        if (headerLength < 2)
            throw new CheckpointException(CheckpointProblem.MalformedHeader, null,
                $"header length {headerLength} cannot hold a JSON object.");
        var header = readHeader((int)headerLength);
        long dataStart = 8 + (long)headerLength;
        var (entries, metadata) = SafeTensorsHeader.Parse(header, fileLength - dataStart);
        return (entries, metadata, dataStart, header);
    }

    private static SafeTensorsArchive Materialise(List<SafeTensorsEntry> entries, Dictionary<string, string> metadata,
        ByteSource source, bool checksummed)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var tensor = Tensor.Zeros(entry.Shape.AsSpan(), entry.DType);
            var bytes = RawBytes(tensor);
            source(entry.Begin, bytes);
            if (!BitConverter.IsLittleEndian) ReverseElements(bytes, SafeTensorsDType.Size(entry.DType));
            tensors.Add(entry.Name, tensor);
        }
        return new SafeTensorsArchive(entries, tensors, metadata, checksummed);
    }

    /// <summary>
    /// The tensor's elements as little-endian bytes (a copy when the host is big-endian or the tensor is a strided
    /// view).
    /// </summary>
    private static ReadOnlySpan<byte> LittleEndianBytes(Tensor tensor)
    {
        var host = tensor.To(Device.Cpu).Contiguous();
        if (BitConverter.IsLittleEndian) return RawBytes(host);
        var copy = RawBytes(host).ToArray();
        ReverseElements(copy, SafeTensorsDType.Size(tensor.DType));
        return copy;
    }

    private static Span<byte> RawBytes(Tensor tensor) => tensor.DType switch
    {
        DType.Float32 => MemoryMarshal.AsBytes(tensor.AsSpan<float>()),
        DType.Float64 => MemoryMarshal.AsBytes(tensor.AsSpan<double>()),
        DType.Int32 => MemoryMarshal.AsBytes(tensor.AsSpan<int>()),
        DType.Int8 => MemoryMarshal.AsBytes(tensor.AsSpan<sbyte>()),
        DType.UInt8 => tensor.AsSpan<byte>(),
        _ => throw new ArgumentException($"dtype {tensor.DType.Name()} has no safetensors representation.",
            nameof(tensor)),
    };

    private static void ReverseElements(Span<byte> bytes, int size)
    {
        if (size == 1) return;
        for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    private static void ReadExactly(SafeFileHandle handle, long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int read = RandomAccess.Read(handle, destination, offset);
            if (read == 0)
                throw new CheckpointException(CheckpointProblem.Truncated, null,
                    $"the file ended while reading byte {offset}.");
            destination = destination[read..];
            offset += read;
        }
    }
}
