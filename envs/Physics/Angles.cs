namespace Qail.Envs.Physics;

/// <summary>Angle helpers.</summary>
public static class Angles
{
    /// <summary>The angle brought into [-pi, pi).</summary>
    public static double Wrap(double angle)
    {
        double a = (angle + Math.PI) % (2 * Math.PI);
        return (a < 0 ? a + 2 * Math.PI : a) - Math.PI;
    }
}
