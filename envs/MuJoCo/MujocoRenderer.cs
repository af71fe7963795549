using Qail.Envs.Rendering;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// Draws a MuJoCo env from the side with our own projection (world x right, z up; y dropped), centred on the first
/// body: planes as the ground line, spheres and ellipsoids as discs, capsules and cylinders as thick segments, boxes
/// as their x-z outline. No OpenGL needed.
/// </summary>
public static class MujocoRenderer
{
    private const int Width = 160, Height = 120;
    private static readonly Rgb[] Palette =
        [new(200, 120, 40), new(60, 90, 160), new(70, 150, 90), new(170, 70, 70), new(120, 90, 160), new(150, 140, 60)];

    /// <summary>A 160 x 120 side view of <paramref name="env"/>'s current state.</summary>
    public static RgbFrame Render(MujocoEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var model = env.Model;
        var data = env.Data;
        var canvas = new Canvas(Width, Height, new Rgb(235, 235, 235));
        var types = model.GeomType;
        var sizes = model.GeomSize;
        var pos = data.GeomXpos;
        var mat = data.GeomXmat;
        double scale = PixelsPerMetre(model, data), centreX = data.Xpos[3], groundY = Height - 12;
        (double X, double Y) Project(double x, double z) => (Width / 2.0 + (x - centreX) * scale, groundY - z * scale);
        for (int g = 0; g < model.GeomCount; g++)
        {
            var colour = Palette[g % Palette.Length];
            double x = pos[3 * g], z = pos[3 * g + 2];
            var (px, py) = Project(x, z);
            double r = sizes[3 * g];
            switch (types[g])
            {
                case 0:
                    canvas.FillRect(0, py, Width, Height, new Rgb(150, 160, 170));
                    break;
                case 2 or 4:
                    canvas.FillCircle(px, py, Math.Max(1, r * scale), colour);
                    break;
                case 3 or 5:
                {
                    double h = sizes[3 * g + 1], ax = mat[9 * g + 2], az = mat[9 * g + 8];
                    var (x0, y0) = Project(x - h * ax, z - h * az);
                    var (x1, y1) = Project(x + h * ax, z + h * az);
                    canvas.DrawLine(x0, y0, x1, y1, Math.Max(1, 2 * r * scale), colour);
                    break;
                }
                case 6:
                {
                    double sx = sizes[3 * g], sz = sizes[3 * g + 2];
                    double ux = mat[9 * g] * sx, uz = mat[9 * g + 6] * sx;
                    double vx = mat[9 * g + 2] * sz, vz = mat[9 * g + 8] * sz;
                    ReadOnlySpan<(double, double)> corners =
                    [
                        Project(x - ux - vx, z - uz - vz), Project(x + ux - vx, z + uz - vz),
                        Project(x + ux + vx, z + uz + vz), Project(x - ux + vx, z - uz + vz),
                    ];
                    canvas.FillConvexPolygon(corners, colour);
                    break;
                }
            }
        }
        return canvas.ToFrame();
    }

    // Fit the bodies' current vertical extent (at least 0.5 m) into three quarters of the frame's height.
    private static double PixelsPerMetre(MujocoModel model, MujocoData data)
    {
        double top = 0.5;
        var xpos = data.Xpos;
        for (int b = 1; b < model.BodyCount; b++) top = Math.Max(top, xpos[3 * b + 2] + 0.3);
        return Math.Min(0.75 * Height / top, 60);
    }
}
