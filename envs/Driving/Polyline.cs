namespace Qail.Envs.Driving;

/// <summary>A piecewise-linear curve parametrised by arc length (metres), for lane centrelines and routes.</summary>
public sealed class Polyline
{
    private readonly Vec2[] _points;
    private readonly double[] _arc;

    /// <summary>Builds the curve through <paramref name="points"/>; consecutive duplicates are not allowed.</summary>
    public Polyline(IReadOnlyList<Vec2> points)
    {
        if (points.Count < 2)
            throw new ArgumentException($"Polyline: needs at least 2 points, got {points.Count}.", nameof(points));
        _points = [.. points];
        _arc = new double[_points.Length];
        for (int i = 1; i < _points.Length; i++)
        {
            double step = (_points[i] - _points[i - 1]).Length;
            if (!(step > 1e-9))
                throw new ArgumentException($"Polyline: points {i - 1} and {i} coincide.", nameof(points));
            _arc[i] = _arc[i - 1] + step;
        }
    }

    /// <summary>Total arc length in metres.</summary>
    public double Length => _arc[^1];

    /// <summary>The vertices.</summary>
    public ReadOnlySpan<Vec2> Points => _points;

    /// <summary>Arc length at each vertex.</summary>
    public ReadOnlySpan<double> ArcLengths => _arc;

    /// <summary>The point at arc length <paramref name="s"/>, clamped to the ends.</summary>
    public Vec2 PointAt(double s)
    {
        int i = SegmentAt(s);
        double t = Math.Clamp((s - _arc[i]) / (_arc[i + 1] - _arc[i]), 0, 1);
        return _points[i] + t * (_points[i + 1] - _points[i]);
    }

    /// <summary>Heading (radians) of the tangent at arc length <paramref name="s"/>.</summary>
    public double HeadingAt(double s)
    {
        int i = SegmentAt(s);
        var d = _points[i + 1] - _points[i];
        return Math.Atan2(d.Y, d.X);
    }

    /// <summary>
    /// Arc length of the point of the curve nearest to <paramref name="p"/> among arc lengths in [from, to], and the
    /// distance to it.
    /// </summary>
    public (double S, double Distance) Project(Vec2 p, double from, double to)
    {
        int first = SegmentAt(from), last = SegmentAt(to);
        double bestS = Math.Clamp(from, 0, Length), best = double.PositiveInfinity;
        for (int i = first; i <= last; i++)
        {
            var a = _points[i];
            var ab = _points[i + 1] - a;
            double len2 = ab.LengthSquared;
            double t = Math.Clamp((p - a).Dot(ab) / len2, 0, 1);
            double s = Math.Clamp(_arc[i] + t * (_arc[i + 1] - _arc[i]), from, to);
            double d2 = (PointAt(s) - p).LengthSquared;
            if (d2 < best)
            {
                best = d2;
                bestS = s;
            }
        }
        return (bestS, Math.Sqrt(best));
    }

    // Index of the segment containing arc length s (clamped to the first/last segment).
    private int SegmentAt(double s)
    {
        int i = Array.BinarySearch(_arc, s);
        if (i < 0) i = ~i - 1;
        return Math.Clamp(i, 0, _arc.Length - 2);
    }
}
