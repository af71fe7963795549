using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Rendering;
using Qail.IO;

namespace Qail.Envs.Tests.Rendering;

public class PngWriterTests
{
    // Bitwise CRC-32, independent of the table-driven one under test.
    private static uint ReferenceCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    private static byte[] Decode(byte[] png, out int width, out int height)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(PngWriter.Signature));
        int at = 8;
        width = height = 0;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            var body = png.AsSpan(at + 8, length);
            Assert.Equal(ReferenceCrc(png.AsSpan(at + 4, 4 + length)),
                BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                Assert.Equal([8, 2, 0, 0, 0], body[8..13].ToArray());
            }
            if (type == "IDAT") idat.Write(body);
            at += 12 + length;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        Assert.Equal(height * (1 + 3 * width), rows.Length);
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, rows[y * (1 + 3 * width)]);
            Array.Copy(rows, y * (1 + 3 * width) + 1, pixels, y * 3 * width, 3 * width);
        }
        return pixels;
    }

    [Property(MaxTest = 40)]
    public Property Png_bytes_decode_back_to_the_pixels(PositiveInt w, PositiveInt h, int seed)
    {
        int width = 1 + w.Get % 20, height = 1 + h.Get % 20;
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        var png = PngWriter.Encode(new RgbFrame(height, width, pixels));
        var decoded = Decode(png, out int dw, out int dh);
        return (dw == width && dh == height && decoded.SequenceEqual(pixels)).ToProperty();
    }

    [Fact]
    public void Crc_matches_the_known_value_and_rendered_frames_encode()
    {
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        foreach (var name in Qail.Envs.Tests.Core.RegistryTests.PhysicsNames)
        {
            var frame = Env.Make(name, 1).Render();
            Assert.Equal(frame.Pixels, Decode(PngWriter.Encode(frame), out _, out _));
        }
    }

    [Fact]
    public void Mismatched_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(2, 2, new byte[11]));
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(0, 2, []));
    }
}
