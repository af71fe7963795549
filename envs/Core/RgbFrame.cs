namespace Qail.Envs;

/// <summary>An RGB image, H x W x 3 bytes row-major, for people to look at.</summary>
public sealed record RgbFrame(int Height, int Width, byte[] Pixels);
