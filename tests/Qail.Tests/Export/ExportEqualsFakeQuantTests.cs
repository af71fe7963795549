using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Tests.Exporting;

/// <summary>
/// The deployed integer policy acts as the fake-quant model does. Tolerances are relative to each action's half range:
/// weight-only paths dequantize to the fake-quant weights bit for bit, so only the float summation order differs
/// (|delta| &lt;= 1e-5 of the half range). With quantized activations a reordered sum can move a hidden value across a
/// rounding boundary of the next layer's input grid and flip one code by one step: such states are allowed on at most
/// a quarter of the states of a case, and even then |delta| stays below a tenth of the half range.
/// </summary>
public class ExportEqualsFakeQuantTests
{
    private const string Seed = "(20261126,7)";
    public const double FloatTolerance = 1e-5;
    public const double FlipTolerance = 0.1;
    private const int StatesPerCase = 16;

    [Property(MaxTest = 80, Replay = Seed)]
    public Property IntegerPolicyActsAsTheFakeQuantModel() => Prop.ForAll(PolicyCase.Generator().ToArbitrary(), c =>
    {
        var prepared = c.Prepared(c.FullPrecision());
        var reference = new EvalModePolicy(prepared, "fake quant");
        var deployed = Export.ToIntegerPolicy(prepared);
        var (worst, flipped) = Compare(c, reference, deployed);
        if (c.QuantizesActivations)
        {
            Assert.True(flipped <= StatesPerCase / 4, $"{c}: {flipped} of {StatesPerCase} states differ beyond float "
                + $"rounding (worst {worst:E3} of the half range).");
            Assert.True(worst <= FlipTolerance,
                $"{c}: worst difference {worst:E3} of the half range exceeds one-code flips.");
        }
        else
            Assert.True(worst <= FloatTolerance,
                $"{c}: worst difference {worst:E3} of the half range exceeds float rounding.");
    });

    // Step sizes shrunk as LSQ fine-tuning can leave them: many weights clip to the extreme codes, including the
    // symmetric 8-bit code -128 that the int8 kernels cannot hold and the runtime corrects exactly.
    [Property(MaxTest = 30, Replay = Seed)]
    public Property ClippedWeightsStillMatch() =>
        Prop.ForAll(PolicyCase.Generator("W8A8", "W4A4", "W4g32", "W3").ToArbitrary(), c =>
    {
        var prepared = c.Prepared(c.FullPrecision());
        foreach (var layer in Quantizer.Layers(prepared))
        {
            var weight = layer.Weight!;
            var scales = weight.Scale.ToArray<float>().Select(s => s * 0.6f).ToArray();
            weight.SetScales(scales, weight.ZeroPoint.ToArray<float>());
        }
        var (worst, flipped) = Compare(c, new EvalModePolicy(prepared, "fake quant"), Export.ToIntegerPolicy(prepared));
        Assert.True(flipped <= (c.QuantizesActivations ? StatesPerCase / 4 : 0),
            $"{c}: {flipped} states differ beyond float rounding (worst {worst:E3}).");
        Assert.True(worst <= FlipTolerance, $"{c}: worst difference {worst:E3} of the half range.");
    });

    [Property(MaxTest = 20, Replay = Seed)]
    public Property FloatExportActsAsTheFullPrecisionModel() => Prop.ForAll(PolicyCase.Generator().ToArbitrary(), c =>
    {
        var fp = c.FullPrecision();
        var (worst, _) = Compare(c, new EvalModePolicy(fp, "fp"), Export.ToFloatPolicy(fp));
        Assert.True(worst <= FloatTolerance,
            $"{c}: worst difference {worst:E3} of the half range exceeds float rounding.");
    });

    // Worst |delta| over states and action dims, relative to the half range, and how many states exceed float rounding.
    internal static (double Worst, int Flipped) Compare(PolicyCase c, IPolicy reference, IDeployedPolicy deployed)
    {
        double worst = 0;
        int flipped = 0;
        foreach (var state in c.States(StatesPerCase, 2))
        {
            var observation = new Observation(state);
            var expected = reference.Act(observation);
            var actual = deployed.Act(observation);
            Assert.Equal(expected.Length, actual.Length);
            double stateWorst = 0;
            for (int i = 0; i < expected.Length; i++)
                stateWorst = Math.Max(stateWorst, Math.Abs(expected[i] - actual[i]) / ((c.High[i] - c.Low[i]) / 2.0));
            if (stateWorst > FloatTolerance) flipped++;
            worst = Math.Max(worst, stateWorst);
        }
        return (worst, flipped);
    }
}
