namespace Qail.Envs.Driving;

/// <summary>Heading arithmetic in radians.</summary>
public static class Headings
{
    /// <summary>The signed difference <paramref name="a"/> - <paramref name="b"/> wrapped into (-pi, pi].</summary>
    public static double Difference(double a, double b)
    {
        double d = Math.IEEERemainder(a - b, 2 * Math.PI);
        return d <= -Math.PI ? d + 2 * Math.PI : d;
    }
}
