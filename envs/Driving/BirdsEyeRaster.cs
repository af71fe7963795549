namespace Qail.Envs.Driving;

/// <summary>
/// The ego-centred bird's-eye observation: 64 x 64 pixels of 0.75 m (48 m square), heading up, the ego's body centre
/// at row 48, column 32 (36 m visible ahead, 12 m behind); H x W x C bytes with the channels
/// 0 road, 1 lane markings, 2 route, 3 other vehicles, 4 traffic lights (stop lines: red 255, yellow 170, green 85).
/// </summary>
public static class BirdsEyeRaster
{
    /// <summary>Height and width in pixels.</summary>
    public const int Size = 64;

    /// <summary>Number of channels.</summary>
    public const int Channels = 5;

    /// <summary>Ground distance covered by one pixel, metres.</summary>
    public const double MetresPerPixel = 0.75;

    /// <summary>Pixel row of the ego's centre.</summary>
    public const int EgoRow = 48;

    /// <summary>Pixel column of the ego's centre.</summary>
    public const int EgoColumn = 32;

    /// <summary>Channel index: paved road.</summary>
    public const int RoadChannel = 0;

    /// <summary>Channel index: lane markings.</summary>
    public const int MarkingChannel = 1;

    /// <summary>Channel index: the route still to drive.</summary>
    public const int RouteChannel = 2;

    /// <summary>Channel index: other vehicles.</summary>
    public const int VehicleChannel = 3;

    /// <summary>Channel index: traffic-light stop lines.</summary>
    public const int LightChannel = 4;

    /// <summary>Width of the drawn route, metres.</summary>
    public const double RouteWidth = 1.5;

    /// <summary>Byte value of a stop line showing <paramref name="state"/>.</summary>
    public static byte LightValue(TrafficLightState state) => state switch
    {
        TrafficLightState.Red => 255,
        TrafficLightState.Yellow => 170,
        _ => 85,
    };

    /// <summary>
    /// Draws the clean (weather-free) raster around <paramref name="ego"/> into <paramref name="image"/> (Size x Size x
    /// Channels).
    /// </summary>
    public static void Draw(Span<byte> image, Town town, Route route, double progress, Traffic traffic, VehiclePose ego,
        double time)
    {
        if (image.Length != Size * Size * Channels)
            throw new ArgumentException(
                $"BirdsEyeRaster.Draw: image has {image.Length} bytes, expected {Size}x{Size}x{Channels}.",
                nameof(image));
        image.Clear();
        var centre = ego.Centre;
        var forward = Vec2.FromAngle(ego.Heading);
        var right = forward.Right;
        for (int r = 0; r < Size; r++)
        {
            double f = (EgoRow - (r + 0.5)) * MetresPerPixel;
            for (int c = 0; c < Size; c++)
            {
                var world = centre + f * forward + ((c + 0.5 - EgoColumn) * MetresPerPixel) * right;
                var sample = town.Sample(world, MetresPerPixel / 2);
                int i = (r * Size + c) * Channels;
                if (sample.Paved) image[i + RoadChannel] = 255;
                if (sample.Marking) image[i + MarkingChannel] = 255;
            }
        }
        var frame = new View(centre, forward, right);
        Span<Vec2> quad = stackalloc Vec2[4];
        var path = route.Path;
        for (double s = Math.Max(0, progress - 4); s < Math.Min(path.Length, progress + 50); s += 1.0)
        {
            double e = Math.Min(path.Length, s + 1.0);
            if (e - s < 1e-6) break;
            Band(path.PointAt(Math.Max(0, s - 0.3)), path.PointAt(Math.Min(path.Length, e + 0.3)), RouteWidth, quad);
            Fill(image, RouteChannel, frame.ToPixels(quad), 255);
        }
        foreach (var car in traffic.Cars)
        {
            var box = car.Box(town);
            if ((box.Centre - centre).LengthSquared > 45 * 45) continue;
            box.Corners(quad);
            Fill(image, VehicleChannel, frame.ToPixels(quad), 255);
        }
        for (int k = 0; k < town.IntersectionCount; k++)
        {
            if (!town.IsLit(k) || (town.Centre(k) - centre).LengthSquared > 60 * 60) continue;
            for (int d = 0; d < 4; d++)
            {
                if (town.Neighbour(k, (d + 2) % 4) < 0) continue;
                StopLine(town, k, d, quad);
                Fill(image, LightChannel, frame.ToPixels(quad), LightValue(town.Light(k, d, time)));
            }
        }
    }

    /// <summary>
    /// The stop-line bar (1.5 m deep, across both lanes) where traffic travelling in direction <paramref name="d"/>
    /// enters box <paramref name="k"/>.
    /// </summary>
    public static void StopLine(Town town, int k, int d, Span<Vec2> quad)
    {
        var u = Town.Unit(d);
        var edge = town.Centre(k) - Town.BoxHalf * u;
        quad[0] = edge;
        quad[1] = edge + Town.RoadHalfWidth * u.Right;
        quad[2] = quad[1] - 1.5 * u;
        quad[3] = edge - 1.5 * u;
    }

    /// <summary>A rectangle of width <paramref name="width"/> around the segment a-b.</summary>
    public static void Band(Vec2 a, Vec2 b, double width, Span<Vec2> quad)
    {
        var d = b - a;
        double len = d.Length;
        var n = len > 0 ? (width / 2 / len) * d.Left : new Vec2(0, 0);
        quad[0] = a + n;
        quad[1] = b + n;
        quad[2] = b - n;
        quad[3] = a - n;
    }

    /// <summary>
    /// Fills a convex polygon (pixel coordinates: x = column, y = row) into one channel of an H x W x C image
    /// (Size x Size x Channels); a pixel is painted when its centre lies inside, with a half-open rule on shared edges.
    /// </summary>
    public static void Fill(Span<byte> image, int channel, ReadOnlySpan<Vec2> polygon, byte value)
    {
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach (var p in polygon) { minY = Math.Min(minY, p.Y); maxY = Math.Max(maxY, p.Y); }
        int r0 = (int)Math.Clamp(Math.Ceiling(minY - 0.5), 0, Size),
            r1 = (int)Math.Clamp(Math.Ceiling(maxY - 0.5), 0, Size);
        for (int r = r0; r < r1; r++)
        {
            double yc = r + 0.5, left = double.PositiveInfinity, rightX = double.NegativeInfinity;
            for (int i = 0; i < polygon.Length; i++)
            {
                var a = polygon[i];
                var b = polygon[(i + 1) % polygon.Length];
                if ((a.Y <= yc && yc < b.Y) || (b.Y <= yc && yc < a.Y))
                {
                    double x = a.X + (yc - a.Y) * (b.X - a.X) / (b.Y - a.Y);
                    left = Math.Min(left, x);
                    rightX = Math.Max(rightX, x);
                }
            }
            if (left > rightX) continue;
            int c0 = (int)Math.Clamp(Math.Ceiling(left - 0.5), 0, Size),
                c1 = (int)Math.Clamp(Math.Ceiling(rightX - 0.5), 0, Size);
            for (int c = c0; c < c1; c++) image[(r * Size + c) * Channels + channel] = value;
        }
    }

    // World-to-pixel transform of one raster.
    private readonly ref struct View(Vec2 centre, Vec2 forward, Vec2 right)
    {
        private readonly Vec2 _centre = centre, _forward = forward, _right = right;

        public ReadOnlySpan<Vec2> ToPixels(Span<Vec2> points)
        {
            for (int i = 0; i < points.Length; i++)
            {
                var d = points[i] - _centre;
                points[i] = new Vec2(EgoColumn + d.Dot(_right) / MetresPerPixel,
                    EgoRow - d.Dot(_forward) / MetresPerPixel);
            }
            return points;
        }
    }
}
