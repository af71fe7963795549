namespace Qail.Envs.Rendering;

/// <summary>An 8-bit-per-channel RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Black.</summary>
    public static readonly Rgb Black = new(0, 0, 0);

    /// <summary>White.</summary>
    public static readonly Rgb White = new(255, 255, 255);
}
