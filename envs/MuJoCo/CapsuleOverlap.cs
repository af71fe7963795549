namespace Qail.Envs.MuJoCo;

/// <summary>
/// Whether capsule and sphere geoms overlap, from their poses after a forward pass: a stand-in for MuJoCo's contact
/// count (mjData.ncon, which the binding does not read) where a task redraws initial states that interpenetrate.
/// </summary>
public static class CapsuleOverlap
{
    private const int Sphere = 2, Capsule = 3;

    /// <summary>
    /// True when geom <paramref name="a"/> and geom <paramref name="b"/> (spheres or capsules) overlap in
    /// <paramref name="data"/>'s current kinematics.
    /// </summary>
    public static bool Overlap(MujocoModel model, MujocoData data, int a, int b)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var (p1, q1, r1) = Segment(model, data, a);
        var (p2, q2, r2) = Segment(model, data, b);
        return SegmentDistance(p1, q1, p2, q2) < r1 + r2;
    }

    // A capsule is its axis segment (local z, half-length size[1]) with radius size[0]; a sphere a point.
    private static (double[] P, double[] Q, double Radius) Segment(MujocoModel model, MujocoData data, int geom)
    {
        int type = model.GeomType[geom];
        if (type is not (Sphere or Capsule))
            throw new ArgumentException($"CapsuleOverlap: geom {geom} is of type {type}, not a sphere or capsule.");
        var size = model.GeomSize.Slice(3 * geom, 3);
        var centre = data.GeomXpos.Slice(3 * geom, 3);
        var frame = data.GeomXmat.Slice(9 * geom, 9);
        double half = type == Capsule ? size[1] : 0;
        var p = new double[3];
        var q = new double[3];
        for (int i = 0; i < 3; i++)
        {
            p[i] = centre[i] - half * frame[3 * i + 2];
            q[i] = centre[i] + half * frame[3 * i + 2];
        }
        return (p, q, size[0]);
    }

    /// <summary>The shortest distance between segments [p1, q1] and [p2, q2] (points where an end coincides).</summary>
    public static double SegmentDistance(double[] p1, double[] q1, double[] p2, double[] q2)
    {
        ArgumentNullException.ThrowIfNull(p1);
        ArgumentNullException.ThrowIfNull(q1);
        ArgumentNullException.ThrowIfNull(p2);
        ArgumentNullException.ThrowIfNull(q2);
        double[] d1 = Sub(q1, p1), d2 = Sub(q2, p2), r = Sub(p1, p2);
        double a = Dot(d1, d1), e = Dot(d2, d2), f = Dot(d2, r);
        double s, t;
        if (a <= 1e-15 && e <= 1e-15) return Math.Sqrt(Dot(r, r));
        if (a <= 1e-15)
        {
            s = 0;
            t = Math.Clamp(f / e, 0, 1);
        }
        else
        {
            double c = Dot(d1, r);
            if (e <= 1e-15)
            {
                t = 0;
                s = Math.Clamp(-c / a, 0, 1);
            }
            else
            {
                // Closest points of the two lines, clamped to the first segment, then the second, then the first
                // again against the clamped second.
                double b = Dot(d1, d2), denominator = a * e - b * b;
                s = denominator > 1e-15 ? Math.Clamp((b * f - c * e) / denominator, 0, 1) : 0;
                t = (b * s + f) / e;
                if (t < 0)
                {
                    t = 0;
                    s = Math.Clamp(-c / a, 0, 1);
                }
                else if (t > 1)
                {
                    t = 1;
                    s = Math.Clamp((b - c) / a, 0, 1);
                }
            }
        }
        double squared = 0;
        for (int i = 0; i < 3; i++)
        {
            double gap = p1[i] + s * d1[i] - (p2[i] + t * d2[i]);
            squared += gap * gap;
        }
        return Math.Sqrt(squared);
    }

    private static double[] Sub(double[] x, double[] y) => [x[0] - y[0], x[1] - y[1], x[2] - y[2]];

    private static double Dot(double[] x, double[] y) => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
}
