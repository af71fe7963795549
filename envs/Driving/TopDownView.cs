using Qail.Envs.Rendering;

namespace Qail.Envs.Driving;

/// <summary>
/// The human-facing frame of a driving episode: the whole town from above with lights, route, traffic and ego.
/// </summary>
public static class TopDownView
{
    /// <summary>Largest side of the frame in pixels.</summary>
    public const int MaxSide = 480;

    private const double Margin = 8.0;
    private static readonly Rgb EgoColour = new(230, 40, 40);
    private static readonly Rgb CarColour = new(70, 160, 240);
    private static readonly Rgb RouteColour = new(250, 170, 40);
    private static readonly Rgb DoneColour = new(150, 120, 90);

    /// <summary>Draws the current state of <paramref name="env"/> (which must have been reset).</summary>
    public static RgbFrame Render(DrivingEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var town = env.Town;
        var weather = env.Weather;
        var (min, max) = town.Bounds;
        double spanX = max.X - min.X + 2 * Margin, spanY = max.Y - min.Y + 2 * Margin;
        double scale = Math.Min(3.0, MaxSide / Math.Max(spanX, spanY));
        int width = (int)Math.Ceiling(spanX * scale), height = (int)Math.Ceiling(spanY * scale);
        var canvas = new Canvas(width, height, weather.Ground);
        double left = min.X - Margin, top = max.Y + Margin, line = Math.Max(0.15, 0.5 / scale);
        var pixels = canvas.Pixels;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                var sample = town.Sample(new Vec2(left + (c + 0.5) / scale, top - (r + 0.5) / scale), line);
                if (!sample.Paved) continue;
                var colour = sample.Marking ? weather.Marking : weather.Road;
                int i = (r * width + c) * 3;
                pixels[i] = colour.R;
                pixels[i + 1] = colour.G;
                pixels[i + 2] = colour.B;
            }
        (double X, double Y) ToPixel(Vec2 p) => ((p.X - left) * scale, (top - p.Y) * scale);

        Span<Vec2> quad = stackalloc Vec2[4];
        Span<(double X, double Y)> polygon = stackalloc (double, double)[4];
        void FillQuad(Canvas target, ReadOnlySpan<Vec2> corners, Span<(double X, double Y)> buffer, Rgb colour)
        {
            for (int i = 0; i < 4; i++) buffer[i] = ToPixel(corners[i]);
            target.FillConvexPolygon(buffer, colour);
        }

        for (int k = 0; k < town.IntersectionCount; k++)
        {
            if (!town.IsLit(k)) continue;
            for (int d = 0; d < 4; d++)
            {
                if (town.Neighbour(k, (d + 2) % 4) < 0) continue;
                BirdsEyeRaster.StopLine(town, k, d, quad);
                var colour = town.Light(k, d, env.Time) switch
                {
                    TrafficLightState.Red => new Rgb(230, 30, 30),
                    TrafficLightState.Yellow => new Rgb(240, 210, 30),
                    _ => new Rgb(40, 210, 60),
                };
                FillQuad(canvas, quad, polygon, colour);
            }
        }
        var path = env.Route.Path;
        var points = path.Points;
        var arcs = path.ArcLengths;
        for (int i = 0; i + 1 < points.Length; i++)
        {
            var (x0, y0) = ToPixel(points[i]);
            var (x1, y1) = ToPixel(points[i + 1]);
            canvas.DrawLine(x0, y0, x1, y1, Math.Max(1.5, 1.0 * scale),
                arcs[i + 1] <= env.Progress ? DoneColour : RouteColour);
        }
        var (gx, gy) = ToPixel(path.PointAt(path.Length));
        canvas.FillCircle(gx, gy, Math.Max(3, 2.0 * scale), RouteColour);
        foreach (var car in env.Traffic.Cars)
        {
            car.Box(town).Corners(quad);
            FillQuad(canvas, quad, polygon, CarColour);
        }
        env.EgoBox.Corners(quad);
        FillQuad(canvas, quad, polygon, EgoColour);
        return canvas.ToFrame();
    }
}
