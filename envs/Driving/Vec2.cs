namespace Qail.Envs.Driving;

/// <summary>A point or vector in the town plane, metres; x points east, y points north.</summary>
public readonly record struct Vec2(double X, double Y)
{
    public static Vec2 operator +(Vec2 a, Vec2 b) => new(a.X + b.X, a.Y + b.Y);
    public static Vec2 operator -(Vec2 a, Vec2 b) => new(a.X - b.X, a.Y - b.Y);
    public static Vec2 operator *(double k, Vec2 a) => new(k * a.X, k * a.Y);

    /// <summary>"(x, y)" in metres.</summary>
    public override string ToString() => FormattableString.Invariant($"({X:F3}, {Y:F3})");

    /// <summary>Dot product.</summary>
    public double Dot(Vec2 o) => X * o.X + Y * o.Y;

    /// <summary>Euclidean length.</summary>
    public double Length => Math.Sqrt(X * X + Y * Y);

    /// <summary>Squared Euclidean length.</summary>
    public double LengthSquared => X * X + Y * Y;

    /// <summary>Unit vector at heading <paramref name="angle"/> (radians, counter-clockwise from east).</summary>
    public static Vec2 FromAngle(double angle) => new(Math.Cos(angle), Math.Sin(angle));

    /// <summary>This vector turned 90 degrees clockwise (the right-hand side when facing along it).</summary>
    public Vec2 Right => new(Y, -X);

    /// <summary>This vector turned 90 degrees counter-clockwise (the left-hand side when facing along it).</summary>
    public Vec2 Left => new(-Y, X);
}
