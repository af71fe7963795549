namespace Qail.Envs.Driving;

/// <summary>A rectangle in the plane: centre, heading of its long side, length and width (metres).</summary>
public readonly record struct OrientedBox(Vec2 Centre, double Heading, double Length, double Width)
{
    /// <summary>The four corners, counter-clockwise from front-left.</summary>
    public void Corners(Span<Vec2> corners)
    {
        var f = (Length / 2) * Vec2.FromAngle(Heading);
        var l = (Width / 2) * Vec2.FromAngle(Heading).Left;
        corners[0] = Centre + f + l;
        corners[1] = Centre - f + l;
        corners[2] = Centre - f - l;
        corners[3] = Centre + f - l;
    }

    /// <summary>True when the two rectangles overlap (separating-axis test).</summary>
    public bool Overlaps(OrientedBox other)
    {
        double reach = (Length + Width + other.Length + other.Width) / 2;
        if ((Centre - other.Centre).LengthSquared > reach * reach) return false;
        Span<Vec2> a = stackalloc Vec2[4], b = stackalloc Vec2[4];
        Corners(a);
        other.Corners(b);
        Span<Vec2> axes = [Vec2.FromAngle(Heading), Vec2.FromAngle(Heading).Left, Vec2.FromAngle(other.Heading),
            Vec2.FromAngle(other.Heading).Left];
        foreach (var axis in axes)
        {
            double aMin = double.PositiveInfinity, aMax = double.NegativeInfinity, bMin = double.PositiveInfinity,
                bMax = double.NegativeInfinity;
            for (int i = 0; i < 4; i++)
            {
                double pa = a[i].Dot(axis), pb = b[i].Dot(axis);
                aMin = Math.Min(aMin, pa); aMax = Math.Max(aMax, pa);
                bMin = Math.Min(bMin, pb); bMax = Math.Max(bMax, pb);
            }
            if (aMax < bMin || bMax < aMin) return false;
        }
        return true;
    }
}
