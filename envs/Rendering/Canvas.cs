namespace Qail.Envs.Rendering;

/// <summary>
/// A small RGB raster (H x W x 3 bytes, row-major) with clipped filled shapes. Coordinates are pixels as doubles;
/// pixel (x, y) covers [x, x+1) x [y, y+1) and is painted when its centre lies inside the shape.
/// </summary>
public sealed class Canvas
{
    /// <summary>Creates a canvas filled with <paramref name="background"/>.</summary>
    public Canvas(int width, int height, Rgb background = default)
    {
        if (width <= 0 || height <= 0 || (long)width * height > 1 << 26)
            throw new ArgumentException($"Canvas: size {width}x{height} must be positive and at most 2^26 pixels.");
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        Clear(background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The raster, H x W x 3 bytes row-major; writable.</summary>
    public byte[] Pixels { get; }

    /// <summary>Fills the whole canvas.</summary>
    public void Clear(Rgb color)
    {
        for (int i = 0; i < Pixels.Length; i += 3) Put(i, color);
    }

    /// <summary>Sets one pixel; coordinates outside the canvas are clipped (nothing drawn).</summary>
    public void SetPixel(int x, int y, Rgb color)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height) Put((y * Width + x) * 3, color);
    }

    /// <summary>The colour at a pixel inside the canvas.</summary>
    public Rgb GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Canvas.GetPixel: ({x}, {y}) outside {Width}x{Height}.");
        int i = (y * Width + x) * 3;
        return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    /// <summary>Fills the axis-aligned rectangle [x0, x1) x [y0, y1) (corners in either order).</summary>
    public void FillRect(double x0, double y0, double x1, double y1, Rgb color)
    {
        CheckFinite(x0, y0, x1, y1);
        var (xa, xb) = PixelSpan(Math.Min(x0, x1), Math.Max(x0, x1), Width);
        var (ya, yb) = PixelSpan(Math.Min(y0, y1), Math.Max(y0, y1), Height);
        for (int y = ya; y < yb; y++) Row(y, xa, xb, color);
    }

    /// <summary>Fills the disc of radius <paramref name="radius"/> around (cx, cy).</summary>
    public void FillCircle(double cx, double cy, double radius, Rgb color)
    {
        CheckFinite(cx, cy, radius, 0);
        if (radius <= 0) return;
        var (ya, yb) = PixelSpan(cy - radius, cy + radius, Height);
        for (int y = ya; y < yb; y++)
        {
            double dy = y + 0.5 - cy, half2 = radius * radius - dy * dy;
            if (half2 < 0) continue;
            double half = Math.Sqrt(half2);
            var (xa, xb) = PixelSpan(cx - half, cx + half, Width);
            Row(y, xa, xb, color);
        }
    }

    /// <summary>Draws a segment of the given thickness with round caps.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, double thickness, Rgb color)
    {
        CheckFinite(x0, y0, x1, y1);
        double dx = x1 - x0, dy = y1 - y0, length = Math.Sqrt(dx * dx + dy * dy);
        if (length > 0)
            FillRotatedRect((x0 + x1) / 2, (y0 + y1) / 2, length, thickness, Math.Atan2(dy, dx), color);
        FillCircle(x0, y0, thickness / 2, color);
        FillCircle(x1, y1, thickness / 2, color);
    }

    /// <summary>
    /// Fills a rectangle of the given length (along <paramref name="angle"/>, radians) and width centred at (cx, cy).
    /// </summary>
    public void FillRotatedRect(double cx, double cy, double length, double width, double angle, Rgb color)
    {
        CheckFinite(cx, cy, length, width);
        double c = Math.Cos(angle), s = Math.Sin(angle), hl = length / 2, hw = width / 2;
        Span<(double X, double Y)> corners =
        [
            (cx + c * hl - s * hw, cy + s * hl + c * hw),
            (cx - c * hl - s * hw, cy - s * hl + c * hw),
            (cx - c * hl + s * hw, cy - s * hl - c * hw),
            (cx + c * hl + s * hw, cy + s * hl - c * hw),
        ];
        FillConvexPolygon(corners, color);
    }

    /// <summary>Fills a convex polygon given by its vertices in either winding order.</summary>
    public void FillConvexPolygon(ReadOnlySpan<(double X, double Y)> vertices, Rgb color)
    {
        if (vertices.Length < 3)
            throw new ArgumentException($"Canvas.FillConvexPolygon: needs at least 3 vertices, got {vertices.Length}.",
                nameof(vertices));
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach (var (x, y) in vertices)
        {
            CheckFinite(x, y, 0, 0);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }
        var (ya, yb) = PixelSpan(minY, maxY, Height);
        for (int row = ya; row < yb; row++)
        {
            double yc = row + 0.5, left = double.PositiveInfinity, right = double.NegativeInfinity;
            for (int i = 0; i < vertices.Length; i++)
            {
                var a = vertices[i];
                var b = vertices[(i + 1) % vertices.Length];
                // Half-open crossing rule so a vertex shared by two edges is counted once.
                if ((a.Y <= yc && yc < b.Y) || (b.Y <= yc && yc < a.Y))
                {
                    double x = a.X + (yc - a.Y) * (b.X - a.X) / (b.Y - a.Y);
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                }
            }
            if (left > right) continue;
            var (xa, xb) = PixelSpan(left, right, Width);
            Row(row, xa, xb, color);
        }
    }

    /// <summary>Copies another canvas onto this one with its top-left corner at (x, y), clipped.</summary>
    public void Blit(Canvas source, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(source);
        int xa = Math.Max(0, x), xb = Math.Min(Width, x + source.Width);
        if (xa >= xb) return;
        for (int row = Math.Max(0, y); row < Math.Min(Height, y + source.Height); row++)
            Array.Copy(source.Pixels, ((row - y) * source.Width + xa - x) * 3, Pixels, (row * Width + xa) * 3,
                (xb - xa) * 3);
    }

    /// <summary>A copy of the raster as a frame.</summary>
    public RgbFrame ToFrame() => new(Height, Width, (byte[])Pixels.Clone());

    /// <summary>A canvas holding a copy of <paramref name="frame"/>.</summary>
    public static Canvas FromFrame(RgbFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Pixels.Length != frame.Height * frame.Width * 3)
            throw new ArgumentException(
                $"Canvas.FromFrame: {frame.Pixels.Length} bytes for a {frame.Height}x{frame.Width}x3 frame.",
                nameof(frame));
        var canvas = new Canvas(frame.Width, frame.Height);
        frame.Pixels.CopyTo(canvas.Pixels, 0);
        return canvas;
    }

    // Pixels whose centre lies in [lo, hi), clipped to [0, size).
    private static (int From, int To) PixelSpan(double lo, double hi, int size)
    {
        double from = Math.Ceiling(lo - 0.5), to = Math.Ceiling(hi - 0.5);
        return ((int)Math.Clamp(from, 0, size), (int)Math.Clamp(to, 0, size));
    }

    private void Row(int y, int xa, int xb, Rgb color)
    {
        for (int i = (y * Width + xa) * 3, end = (y * Width + xb) * 3; i < end; i += 3) Put(i, color);
    }

    private void Put(int i, Rgb color)
    {
        Pixels[i] = color.R;
        Pixels[i + 1] = color.G;
        Pixels[i + 2] = color.B;
    }

    private static void CheckFinite(double a, double b, double c, double d)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c) || !double.IsFinite(d))
            throw new ArgumentException($"Canvas: coordinates must be finite, got ({a}, {b}, {c}, {d}).");
    }
}
