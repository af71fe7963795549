using Qail.Envs.Rendering;

namespace Qail.Envs.Driving;

/// <summary>
/// A "weather": how the bird's-eye raster is degraded (per-channel gain and offset, uniform noise, random dropout)
/// and how the human-facing frame is coloured. The expert reads true state, so weather only affects learners.
/// </summary>
/// <param name="Name">CARLA-style name, e.g. "clear-noon".</param>
/// <param name="Gain">Multiplier per raster channel.</param>
/// <param name="Offset">Added per raster channel (0..255 scale).</param>
/// <param name="Noise">Half-width of the uniform noise added to every raster byte.</param>
/// <param name="Dropout">Probability that a raster pixel reads 0 in every channel (rain drops).</param>
/// <param name="Ground">Frame colour off the road.</param>
/// <param name="Road">Frame colour of the road.</param>
/// <param name="Marking">Frame colour of lane markings.</param>
public sealed record Weather(string Name, float[] Gain, float[] Offset, float Noise, float Dropout, Rgb Ground,
    Rgb Road, Rgb Marking)
{
    /// <summary>Training weathers (NoCrash: clear noon, wet noon, hard rain noon, clear sunset).</summary>
    public static readonly IReadOnlyList<Weather> Train =
    [
        new("clear-noon", [1f, 1f, 1f, 1f, 1f], [0, 0, 0, 0, 0], 0f, 0f, new(96, 140, 80), new(80, 80, 84),
            new(240, 240, 240)),
        new("wet-noon", [0.9f, 0.85f, 0.95f, 0.95f, 0.95f], [0, 0, 0, 0, 0], 6f, 0f, new(80, 120, 72), new(60, 62, 70),
            new(210, 210, 215)),
        new("hard-rain-noon", [0.8f, 0.7f, 0.9f, 0.9f, 0.9f], [5, 5, 0, 0, 0], 14f, 0.02f, new(70, 100, 70),
            new(50, 52, 60), new(170, 170, 180)),
        new("clear-sunset", [0.95f, 0.95f, 1f, 1f, 1f], [12, 8, 0, 0, 0], 3f, 0f, new(140, 120, 70), new(100, 84, 76),
            new(250, 225, 190)),
    ];

    /// <summary>Held-out weathers (NoCrash: wet sunset, soft rain sunset), never seen in training.</summary>
    public static readonly IReadOnlyList<Weather> New =
    [
        new("wet-sunset", [0.75f, 0.7f, 0.85f, 0.85f, 0.8f], [25, 20, 10, 10, 10], 10f, 0.01f, new(120, 90, 70),
            new(84, 64, 70), new(220, 180, 160)),
        new("soft-rain-sunset", [0.85f, 0.8f, 0.8f, 0.9f, 0.85f], [18, 12, 8, 8, 8], 20f, 0.04f, new(110, 100, 80),
            new(74, 70, 78), new(200, 190, 175)),
    ];

    /// <summary>
    /// Applies the degradation to an H x W x C raster in place, drawing noise from <paramref name="rng"/>.
    /// </summary>
    public void Apply(Span<byte> raster, int channels, SplitMix64 rng)
    {
        if (channels != Gain.Length || raster.Length % channels != 0)
            throw new ArgumentException($"Weather.Apply: raster of {raster.Length} bytes with {channels} channels, "
                + $"weather has {Gain.Length}.", nameof(raster));
        bool clean = Noise == 0 && Dropout == 0 && Gain.All(g => g == 1) && Offset.All(o => o == 0);
        if (clean) return;
        // Lookup tables: the clean byte's gain-and-offset value per channel, and the noise per random byte.
        Span<float> level = stackalloc float[channels * 256];
        for (int c = 0; c < channels; c++)
            for (int v = 0; v < 256; v++) level[c * 256 + v] = Offset[c] + Gain[c] * v + 0.5f;
        Span<float> noise = stackalloc float[256];
        for (int b = 0; b < 256; b++) noise[b] = Noise * (b / 127.5f - 1f);
        ulong dropThreshold = (ulong)(Dropout * 65536.0);
        for (int p = 0; p < raster.Length; p += channels)
        {
            ulong bits = rng.NextUInt64();
            if ((bits & 0xFFFF) < dropThreshold)
            {
                raster.Slice(p, channels).Clear();
                continue;
            }
            bits >>= 16;
            for (int c = 0; c < channels; c++, bits >>= 8)
            {
                float x = level[c * 256 + raster[p + c]] + noise[(int)(bits & 0xFF)];
                raster[p + c] = x <= 0f ? (byte)0 : x >= 255f ? (byte)255 : (byte)x;
            }
        }
    }
}
