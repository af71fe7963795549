using Qail.Envs.Rendering;

namespace Qail.Envs.Manipulation;

/// <summary>
/// Draws the tabletop from a camera straight above, filling the canvas with the table. Height is shown three ways:
/// objects and the gripper grow brighter the higher they are, the gripper grows with height (perspective), and the
/// gripper's shadow falls down and to the right of it by an amount proportional to its height above the surface below.
/// </summary>
public static class TabletopRenderer
{
    private static readonly Rgb TableColour = new(156, 122, 86);
    private static readonly Rgb TableEdge = new(120, 92, 62);
    private static readonly Rgb Shadow = new(60, 45, 35);

    /// <summary>
    /// Draws <paramref name="scene"/> onto the whole of <paramref name="canvas"/> (square canvases keep the table
    /// square).
    /// </summary>
    public static void Draw(Tabletop scene, Canvas canvas)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(canvas);
        double sx = canvas.Width / (2 * Tabletop.HalfSize), sy = canvas.Height / (2 * Tabletop.HalfSize);
        double px(double x) => (x + Tabletop.HalfSize) * sx;
        double py(double y) => (Tabletop.HalfSize - y) * sy;
        double scale = Math.Min(sx, sy), outline = Math.Max(1.0, 0.004 * scale);

        canvas.Clear(TableColour);
        double rim = Math.Max(1.0, 0.006 * scale);
        canvas.FillRect(0, 0, canvas.Width, rim, TableEdge);
        canvas.FillRect(0, canvas.Height - rim, canvas.Width, canvas.Height, TableEdge);
        canvas.FillRect(0, 0, rim, canvas.Height, TableEdge);
        canvas.FillRect(canvas.Width - rim, 0, canvas.Width, canvas.Height, TableEdge);

        var objects = scene.Objects;
        // Painter's order: the held stack last (it is above everything under it), otherwise lower bases first, ties by
        // index. The gripper's shadow goes on after the surface under it and before anything that rises above that
        // surface.
        var order = Enumerable.Range(0, objects.Count)
            .OrderBy(i => scene.Held >= 0 && scene.IsWithin(i, scene.Held) ? 1 : 0)
            .ThenBy(i => objects[i].Base)
            .ThenBy(i => i)
            .ToArray();
        double surface = scene.SurfaceUnder(scene.GripperX, scene.GripperY, Tabletop.GripperRadius, scene.Held).Height;
        bool shadowDrawn = false;
        foreach (int i in order)
        {
            var o = objects[i];
            bool held = scene.Held >= 0 && scene.IsWithin(i, scene.Held);
            if (!shadowDrawn && (held || o.Top > surface + 1e-9))
            {
                DrawShadow(scene, canvas, px, py, scale, surface);
                shadowDrawn = true;
            }
            DrawObject(o, canvas, px(o.X), py(o.Y), o.Radius * scale, outline);
        }
        if (!shadowDrawn) DrawShadow(scene, canvas, px, py, scale, surface);
        DrawGripper(scene, canvas, px(scene.GripperX), py(scene.GripperY), scale, outline);
    }

    /// <summary>The display colour of an object colour.</summary>
    public static Rgb ColourOf(ObjectColour colour) => colour switch
    {
        ObjectColour.Red => new Rgb(200, 40, 40),
        ObjectColour.Green => new Rgb(40, 160, 60),
        ObjectColour.Blue => new Rgb(40, 80, 210),
        ObjectColour.Yellow => new Rgb(230, 200, 40),
        ObjectColour.Orange => new Rgb(240, 130, 30),
        ObjectColour.Purple => new Rgb(140, 60, 180),
        ObjectColour.White => new Rgb(230, 230, 225),
        _ => throw new ArgumentException($"TabletopRenderer: unknown colour {colour}.", nameof(colour)),
    };

    private static void DrawObject(TabletopObject o, Canvas canvas, double cx, double cy, double r, double outline)
    {
        // Brighter with height: up to +40% towards white at 15 cm.
        double lift = Math.Clamp(o.Base / 0.15, 0, 1) * 0.4;
        var body = Lighten(ColourOf(o.Colour), lift);
        var edge = Scale(body, 0.45);
        switch (o.Kind)
        {
            case ObjectKind.Block:
                // The collision disc is inscribed in the drawn square's outline.
                canvas.FillRect(cx - r - outline, cy - r - outline, cx + r + outline, cy + r + outline, edge);
                canvas.FillRect(cx - r, cy - r, cx + r, cy + r, body);
                break;
            case ObjectKind.Cylinder:
                canvas.FillCircle(cx, cy, r + outline, edge);
                canvas.FillCircle(cx, cy, r, body);
                canvas.FillCircle(cx, cy, r * 0.45, Lighten(body, 0.3));
                break;
            case ObjectKind.Bowl:
                canvas.FillCircle(cx, cy, r + outline, edge);
                canvas.FillCircle(cx, cy, r, body);
                canvas.FillCircle(cx, cy, r * o.InnerRadius / o.Radius, Scale(body, 0.65));
                break;
            case ObjectKind.Plate:
                canvas.FillCircle(cx, cy, r + outline, edge);
                canvas.FillCircle(cx, cy, r, body);
                canvas.FillCircle(cx, cy, r * 0.7, Scale(body, 0.9));
                break;
            default:
                throw new ArgumentException($"TabletopRenderer: unknown kind {o.Kind}.", nameof(o));
        }
    }

    private static void DrawShadow(Tabletop scene, Canvas canvas, Func<double, double> px, Func<double, double> py,
        double scale, double surface)
    {
        double offset = 0.5 * Math.Max(0, scene.GripperZ - surface);
        canvas.FillCircle(px(scene.GripperX + offset), py(scene.GripperY - offset), 0.014 * scale, Shadow);
    }

    private static void DrawGripper(Tabletop scene, Canvas canvas, double cx, double cy, double scale, double outline)
    {
        double unit = scale * (1 + 1.5 * scene.GripperZ);
        byte level = (byte)(110 + 145 * Math.Clamp(scene.GripperZ / Tabletop.MaxHeight, 0, 1));
        var metal = new Rgb(level, level, level);
        var edge = new Rgb(20, 20, 20);
        double spread = (scene.GripperOpen ? 0.032 : 0.016) * unit;
        double fingerW = 0.011 * unit, fingerL = 0.036 * unit, palm = 0.006 * unit;
        // Palm bar, then the two fingers either side of the gripper centre along x, each with a dark outline.
        canvas.FillRect(cx - spread - fingerW - outline, cy - palm - outline, cx + spread + fingerW + outline,
            cy + palm + outline, edge);
        canvas.FillRect(cx - spread - fingerW - outline, cy - fingerL / 2 - outline, cx - spread + outline,
            cy + fingerL / 2 + outline, edge);
        canvas.FillRect(cx + spread - outline, cy - fingerL / 2 - outline, cx + spread + fingerW + outline,
            cy + fingerL / 2 + outline, edge);
        canvas.FillRect(cx - spread - fingerW, cy - palm, cx + spread + fingerW, cy + palm, metal);
        canvas.FillRect(cx - spread - fingerW, cy - fingerL / 2, cx - spread, cy + fingerL / 2, metal);
        canvas.FillRect(cx + spread, cy - fingerL / 2, cx + spread + fingerW, cy + fingerL / 2, metal);
    }

    private static Rgb Lighten(Rgb c, double t) =>
        new((byte)(c.R + (255 - c.R) * t), (byte)(c.G + (255 - c.G) * t), (byte)(c.B + (255 - c.B) * t));

    private static Rgb Scale(Rgb c, double f) => new((byte)(c.R * f), (byte)(c.G * f), (byte)(c.B * f));
}
