using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using static Qail.Autograd.Tests.GradientCases;

namespace Qail.Autograd.Tests;

/// <summary>Conv2d (input, weight, bias) and pooling rules against central differences.</summary>
public class ConvolutionGradientProperties
{
    [Property(MaxTest = 8, Replay = "(20261126,25)")]
    public void Conv2dRuleCoversStridePaddingDilationAndGroups(int seed, int code, bool nonContiguous)
    {
        var c = Shape(6, 3, code, seed);
        int groups = c[0] == 3 ? 2 : 1;
        int inC = groups * c[1], outC = groups * (1 + c[2] % 2), k = 1 + c[3] % 3;
        var o = new Conv2dOptions(StrideH: 1 + c[4] % 2, StrideW: 1 + c[5] % 2, PaddingH: c[3] % 2, PaddingW: k / 2,
            DilationH: 1 + c[1] % 2, DilationW: 1, Groups: groups);
        int[] input = [1 + c[2] % 2, inC, 5, 4];
        var x = Layout(Uniform(input, seed), nonContiguous);
        var w = Uniform([outC, inC / groups, k, k], seed + 1);
        var b = Uniform([outC], seed + 2);
        AssertGradients($"Conv2d x {Shapes.Format(input)} w {Shapes.Format(w.ShapeSpan)} {o}",
            v => Variable.Conv2d(v[0], v[1], v[2], o), x, w, b);
        AssertGradients($"Conv2d no bias {o}", v => Variable.Conv2d(v[0], v[1], null, o), x, w);
    }

    [Property(MaxTest = 8, Replay = "(20261126,27)")]
    public void PoolingRulesMatchFiniteDifferences(int seed, int code, bool nonContiguous)
    {
        var c = Shape(3, 3, code, seed);
        int[] input = [1 + c[0] % 2, c[1], 5, 6];
        var x = Layout(Distinct(input, seed), nonContiguous);
        var o = Pool2dOptions.Square(kernel: 1 + c[2], stride: 1 + c[0] % 2, padding: c[2] / 2);
        AssertGradients($"MaxPool2d {Shapes.Format(input)} {o}", v => Variable.MaxPool2d(v[0], o), x);
        AssertGradients($"AvgPool2d {Shapes.Format(input)} {o}", v => Variable.AvgPool2d(v[0], o), x);
        AssertGradients($"GlobalAvgPool2d {Shapes.Format(input)}", v => Variable.GlobalAvgPool2d(v[0]), x);
    }
}
