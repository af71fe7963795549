namespace Qail.Envs.Rendering;

/// <summary>Tiles an episode's frames into one image (a contact sheet), for a PNG strip of an episode.</summary>
public static class FrameStrip
{
    /// <summary>
    /// One frame holding <paramref name="frames"/> left to right, top to bottom, <paramref name="columns"/> per row.
    /// </summary>
    public static RgbFrame Tile(IReadOnlyList<RgbFrame> frames, int columns)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("FrameStrip.Tile: no frames.", nameof(frames));
        if (columns <= 0)
            throw new ArgumentException($"FrameStrip.Tile: columns must be positive, got {columns}.", nameof(columns));
        int w = frames[0].Width, h = frames[0].Height, cols = Math.Min(columns, frames.Count),
            rows = (frames.Count + cols - 1) / cols;
        var sheet = new Canvas(w * cols, h * rows);
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i].Width != w || frames[i].Height != h)
                throw new ArgumentException(
                    $"FrameStrip.Tile: frame {i} is {frames[i].Height}x{frames[i].Width}, expected {h}x{w}.",
                    nameof(frames));
            sheet.Blit(Canvas.FromFrame(frames[i]), i % cols * w, i / cols * h);
        }
        return sheet.ToFrame();
    }
}
