using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Rendering;

namespace Qail.Envs.Tests.Rendering;

public class GifWriterTests
{
    // A minimal GIF decoder (global palette, full-frame images, LZW) written from the GIF89a specification.
    private static List<byte[]> DecodeIndices(byte[] gif, out byte[] palette)
    {
        Assert.Equal("GIF89a"u8.ToArray(), gif[..6]);
        int width = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(6)),
            height = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(8));
        Assert.Equal(0xF7, gif[10]);
        palette = gif[13..(13 + 768)];
        int at = 13 + 768;
        var frames = new List<byte[]>();
        while (gif[at] != 0x3B)
        {
            if (gif[at] == 0x21)
            {
                at += 2;
                while (gif[at] != 0) at += gif[at] + 1;
                at++;
                continue;
            }
            Assert.Equal(0x2C, gif[at]);
            Assert.Equal(width, BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(at + 5)));
            at += 10;
            int minCodeSize = gif[at++];
            var data = new List<byte>();
            while (gif[at] != 0)
            {
                data.AddRange(gif.AsSpan(at + 1, gif[at]).ToArray());
                at += gif[at] + 1;
            }
            at++;
            frames.Add(Lzw(data.ToArray(), minCodeSize, width * height));
        }
        return frames;
    }

    private static byte[] Lzw(byte[] data, int minCodeSize, int count)
    {
        int clear = 1 << minCodeSize, end = clear + 1, size = minCodeSize + 1, bit = 0;
        var table = new List<byte[]>();
        void ResetTable()
        {
            table.Clear();
            for (int i = 0; i < clear + 2; i++) table.Add([(byte)i]);
            size = minCodeSize + 1;
        }
        ResetTable();
        var output = new List<byte>();
        byte[]? previous = null;
        while (true)
        {
            int code = 0;
            for (int i = 0; i < size; i++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << i;
            if (code == clear) { ResetTable(); previous = null; continue; }
            if (code == end) break;
            byte[] entry;
            if (code < table.Count) entry = table[code];
            else
            {
                Assert.Equal(table.Count, code);
                entry = [.. previous!, previous![0]];
            }
            output.AddRange(entry);
            if (previous is not null && table.Count < 4096) table.Add([.. previous, entry[0]]);
            if (table.Count == 1 << size && size < 12) size++;
            previous = entry;
        }
        Assert.Equal(count, output.Count);
        return output.ToArray();
    }

    [Property(MaxTest = 25)]
    public Property Gif_frames_decode_to_the_nearest_cube_colours(PositiveInt w, PositiveInt h, PositiveInt n, int seed)
    {
        int width = 1 + w.Get % 40, height = 1 + h.Get % 40, count = 1 + n.Get % 3;
        var random = new Random(seed);
        var frames = Enumerable.Range(0, count).Select(_ =>
        {
            var p = new byte[width * height * 3];
            random.NextBytes(p);
            return new RgbFrame(height, width, p);
        }).ToList();
        var decoded = DecodeIndices(GifWriter.Encode(frames), out var palette);
        if (decoded.Count != count) return false.Label("frame count");
        for (int f = 0; f < count; f++)
        for (int i = 0; i < width * height; i++)
        for (int c = 0; c < 3; c++)
            if (Math.Abs(palette[decoded[f][i] * 3 + c] - frames[f].Pixels[i * 3 + c]) > 26)
                return false.Label($"frame {f} pixel {i}");
        return true.ToProperty();
    }

    [Fact]
    public void Long_uniform_and_noisy_frames_exercise_table_resets()
    {
        var random = new Random(1);
        var noisy = new byte[200 * 200 * 3];
        random.NextBytes(noisy);
        var frames = new List<RgbFrame> { new(200, 200, noisy), new(200, 200, new byte[200 * 200 * 3]) };
        var decoded = DecodeIndices(GifWriter.Encode(frames), out var palette);
        Assert.All(decoded[1], index => Assert.Equal(0, index));
        for (int i = 0; i < 200 * 200; i++) Assert.InRange(Math.Abs(palette[decoded[0][i] * 3] - noisy[i * 3]), 0, 26);
    }

    [Fact]
    public void Episode_frames_tile_into_a_strip()
    {
        var env = Env.Make("pendulum-swingup", 0);
        var frames = new List<RgbFrame>();
        for (int t = 0; t < 5; t++)
        {
            env.Step([1f]);
            frames.Add(env.Render());
        }
        var strip = FrameStrip.Tile(frames, columns: 3);
        Assert.Equal(2 * frames[0].Height, strip.Height);
        Assert.Equal(3 * frames[0].Width, strip.Width);
        Assert.Equal(frames[4].Pixels.AsSpan(0, frames[0].Width * 3).ToArray(),
            strip.Pixels.AsSpan(frames[0].Height * strip.Width * 3 + frames[0].Width * 3, frames[0].Width * 3)
                .ToArray());
        Assert.Throws<ArgumentException>(() => GifWriter.Encode([frames[0], new RgbFrame(2, 2, new byte[12])]));
    }
}

public class EpisodeRecorderTests
{
    [Fact]
    public void Expert_episode_records_every_nth_frame_and_writes_a_gif()
    {
        var env = Env.Make("cartpole-swingup", 0);
        var expert = Expert.For(env);
        var frames = EpisodeRecorder.Record(env, (e, _) => expert.Act(e), seed: 0, frameEvery: 100);
        Assert.Equal(1 + 10, frames.Count);
        Assert.NotEqual(frames[0].Pixels, frames[^1].Pixels);
        string path = Path.Combine(Path.GetTempPath(), $"qail-episode-{Environment.ProcessId}.gif");
        try
        {
            EpisodeRecorder.WriteExpertGif("pendulum-swingup", 1, path, frameEvery: 100);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal("GIF89a"u8.ToArray(), bytes[..6]);
            Assert.Equal(0x3B, bytes[^1]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
