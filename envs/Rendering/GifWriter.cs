using System.Buffers.Binary;
using Qail.IO;

namespace Qail.Envs.Rendering;

/// <summary>
/// Encodes an episode's frames as a looping animated GIF89a. Colours are mapped to a fixed 6x6x6 colour cube
/// (216 colours), which keeps the encoding fast, deterministic and good enough for people to see what happened.
/// </summary>
public static class GifWriter
{
    private const int MaxCodeSize = 12;
    private const int ClearCode = 256, EndCode = 257;

    /// <summary>
    /// GIF bytes of <paramref name="frames"/> (all of the same size), shown <paramref name="delayCentiseconds"/> each.
    /// </summary>
    public static byte[] Encode(IReadOnlyList<RgbFrame> frames, int delayCentiseconds = 4)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("GifWriter.Encode: no frames.", nameof(frames));
        if (delayCentiseconds is < 0 or > ushort.MaxValue)
            throw new ArgumentException($"GifWriter.Encode: delay {delayCentiseconds} cs outside 0..65535.",
                nameof(delayCentiseconds));
        int width = frames[0].Width, height = frames[0].Height;
        if (width is <= 0 or > ushort.MaxValue || height is <= 0 or > ushort.MaxValue)
            throw new ArgumentException($"GifWriter.Encode: frame size {height}x{width} outside 1..65535.",
                nameof(frames));
        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            if (f.Width != width || f.Height != height || f.Pixels.Length != width * height * 3)
                throw new ArgumentException($"GifWriter.Encode: frame {i} is {f.Height}x{f.Width} with "
                    + $"{f.Pixels.Length} bytes; expected {height}x{width}x3.", nameof(frames));
        }

        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        Span<byte> screen = stackalloc byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(screen, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(screen[2..], (ushort)height);
        screen[4] = 0xF7; // global colour table of 256 entries, 8-bit colour resolution
        output.Write(screen);
        for (int i = 0; i < 256; i++)
        {
            // Entries 0..215 are the colour cube; the rest are unused black.
            if (i < 216)
            {
                output.WriteByte(Level(i / 36));
                output.WriteByte(Level(i / 6 % 6));
                output.WriteByte(Level(i % 6));
            }
            else { output.WriteByte(0); output.WriteByte(0); output.WriteByte(0); }
        }
        output.Write([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]); // loop forever

        var indices = new byte[width * height];
        Span<byte> descriptor = stackalloc byte[10];
        foreach (var frame in frames)
        {
            output.Write([0x21, 0xF9, 0x04, 0x00, (byte)delayCentiseconds, (byte)(delayCentiseconds >> 8), 0x00, 0x00]);
            descriptor.Clear();
            descriptor[0] = 0x2C;
            BinaryPrimitives.WriteUInt16LittleEndian(descriptor[5..], (ushort)width);
            BinaryPrimitives.WriteUInt16LittleEndian(descriptor[7..], (ushort)height);
            output.Write(descriptor);
            for (int p = 0; p < indices.Length; p++)
                indices[p] = (byte)(Quantize(frame.Pixels[3 * p]) * 36 + Quantize(frame.Pixels[3 * p + 1]) * 6
                    + Quantize(frame.Pixels[3 * p + 2]));
            output.WriteByte(8); // LZW minimum code size
            WriteLzw(output, indices);
        }
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>
    /// Writes the frames to an animated GIF file atomically (temp file in the same folder, flushed, renamed).
    /// </summary>
    public static void Write(string path, IReadOnlyList<RgbFrame> frames, int delayCentiseconds = 4) =>
        AtomicFile.WriteAllBytes(path, Encode(frames, delayCentiseconds));

    private static byte Level(int i) => (byte)(i * 51);

    private static int Quantize(byte v) => (v + 25) / 51;

    private static void WriteLzw(Stream output, ReadOnlySpan<byte> indices)
    {
        var blocks = new SubBlockWriter(output);
        var table = new Dictionary<int, int>();
        int codeSize = 9, nextCode = EndCode + 1;
        blocks.WriteCode(ClearCode, codeSize);
        int prefix = indices[0];
        for (int i = 1; i < indices.Length; i++)
        {
            int k = indices[i], key = (prefix << 8) | k;
            if (table.TryGetValue(key, out int code)) { prefix = code; continue; }
            blocks.WriteCode(prefix, codeSize);
            if (nextCode < 1 << MaxCodeSize)
            {
                table[key] = nextCode++;
                // The decoder adds its entries one code later, so widen once the next code no longer fits.
                if (nextCode > 1 << codeSize && codeSize < MaxCodeSize) codeSize++;
            }
            else
            {
                blocks.WriteCode(ClearCode, codeSize);
                table.Clear();
                codeSize = 9;
                nextCode = EndCode + 1;
            }
            prefix = k;
        }
        blocks.WriteCode(prefix, codeSize);
        blocks.WriteCode(EndCode, codeSize);
        blocks.Finish();
    }

    // Packs codes LSB-first into GIF data sub-blocks of at most 255 bytes.
    private sealed class SubBlockWriter(Stream output)
    {
        private readonly byte[] _block = new byte[255];
        private int _count, _bits;
        private uint _buffer;

        public void WriteCode(int code, int size)
        {
            _buffer |= (uint)code << _bits;
            _bits += size;
            while (_bits >= 8) { Emit((byte)_buffer); _buffer >>= 8; _bits -= 8; }
        }

        public void Finish()
        {
            if (_bits > 0) Emit((byte)_buffer);
            Flush();
            output.WriteByte(0);
        }

        private void Emit(byte b)
        {
            _block[_count++] = b;
            if (_count == _block.Length) Flush();
        }

        private void Flush()
        {
            if (_count == 0) return;
            output.WriteByte((byte)_count);
            output.Write(_block, 0, _count);
            _count = 0;
        }
    }
}
