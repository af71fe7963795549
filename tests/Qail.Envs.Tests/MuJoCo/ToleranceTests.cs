using Qail.Envs.Physics;

namespace Qail.Envs.Tests.MuJoCo;

public class ToleranceTests
{
    [Theory]
    [InlineData(Sigmoid.Gaussian, 0.1)]
    [InlineData(Sigmoid.Hyperbolic, 0.2)]
    [InlineData(Sigmoid.LongTail, 0.3)]
    [InlineData(Sigmoid.Reciprocal, 0.4)]
    [InlineData(Sigmoid.Cosine, 0.5)]
    [InlineData(Sigmoid.Linear, 0.6)]
    [InlineData(Sigmoid.Quadratic, 0.7)]
    [InlineData(Sigmoid.TanhSquared, 0.8)]
    public void One_inside_the_bounds_and_the_value_at_margin_one_margin_outside(Sigmoid sigmoid, double valueAtMargin)
    {
        Assert.Equal(1.0, Tolerance.Of(0.5, 0, 1, margin: 2, sigmoid, valueAtMargin));
        Assert.Equal(valueAtMargin, Tolerance.Of(3, 0, 1, margin: 2, sigmoid, valueAtMargin), 12);
        Assert.Equal(valueAtMargin, Tolerance.Of(-2, 0, 1, margin: 2, sigmoid, valueAtMargin), 12);
        double nearer = Tolerance.Of(1.5, 0, 1, 2, sigmoid, valueAtMargin);
        double farther = Tolerance.Of(2.5, 0, 1, 2, sigmoid, valueAtMargin);
        Assert.True(nearer > farther && farther > valueAtMargin && nearer < 1, $"{sigmoid}: {nearer} {farther}");
    }

    [Fact]
    public void Matches_the_physics_envs_gaussian_and_quadratic_and_steps_without_margin()
    {
        Assert.Equal(Tolerance.Gaussian(1.7, 0, 0.5, 2), Tolerance.Of(1.7, 0, 0.5, 2), 14);
        Assert.Equal(Tolerance.Quadratic(0.3, 0, 0, 1), Tolerance.Of(0.3, 0, 0, 1, Sigmoid.Quadratic, 0), 14);
        Assert.Equal(0.0, Tolerance.Of(2, 0, 1));
        Assert.Equal(0.0, Tolerance.Of(5, 0, 1, margin: 2, Sigmoid.Linear, 0));
    }

    [Fact]
    public void Rejects_bad_bounds_margins_and_values_at_margin()
    {
        Assert.Throws<ArgumentException>(() => Tolerance.Of(0, 1, 0));
        Assert.Throws<ArgumentException>(() => Tolerance.Of(0, 0, 1, margin: -1));
        Assert.Throws<ArgumentException>(() => Tolerance.Of(0, 0, 1, 1, Sigmoid.Gaussian, 0));
        Assert.Throws<ArgumentException>(() => Tolerance.Of(0, 0, 1, 1, Sigmoid.Linear, 1));
    }
}
