using System.Buffers.Binary;
using System.IO.Compression;
using Qail.IO;

namespace Qail.Envs.Rendering;

/// <summary>
/// Encodes RGB frames as 8-bit truecolour PNG (zlib deflate via System.IO.Compression, CRC-32 per chunk).
/// </summary>
public static class PngWriter
{
    /// <summary>The 8-byte PNG file signature.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>PNG bytes of <paramref name="frame"/>.</summary>
    public static byte[] Encode(RgbFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Encode(frame.Width, frame.Height, frame.Pixels);
    }

    /// <summary>PNG bytes of an H x W x 3 row-major RGB raster.</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb)
    {
        if (width <= 0 || height <= 0 || (long)width * height * 3 != rgb.Length)
            throw new ArgumentException($"PngWriter.Encode: {rgb.Length} bytes do not form a {height}x{width}x3 image.",
                nameof(rgb));
        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR", header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                int stride = width * 3;
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // filter: none
                    zlib.Write(rgb.Slice(y * stride, stride));
                }
            }
            WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="frame"/> to a PNG file atomically (temp file in the same folder, flushed, renamed).
    /// </summary>
    public static void Write(string path, RgbFrame frame) => AtomicFile.WriteAllBytes(path, Encode(frame));

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        Span<byte> typeBytes = [(byte)type[0], (byte)type[1], (byte)type[2], (byte)type[3]];
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(Crc32.Initial, typeBytes), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Finish(crc));
        output.Write(word);
    }
}
