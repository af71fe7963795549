using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn.Tests.Modules;

/// <summary>Gradient checks of a module with respect to its input and every parameter, in float64.</summary>
internal static class ModuleGradCheck
{
    public static readonly GradCheckOptions Options = new(Epsilon: 1e-6, AbsoluteTolerance: 1e-6,
        RelativeTolerance: 1e-4);

    /// <summary>Checks d forward(module, x) / d (x, parameters); x is left out when it is not a float tensor.</summary>
    public static void Check(Module module, Tensor input, Func<Module, Variable, Variable>? forward = null,
        GradCheckOptions? options = null)
    {
        forward ??= (m, x) => m.Forward(x);
        var names = module.NamedParameters().Select(p => p.Key).ToArray();
        bool differentiableInput = input.DType.IsFloatingPoint();
        var inputs = new List<Tensor>();
        if (differentiableInput) inputs.Add(input);
        inputs.AddRange(module.NamedParameters().Select(p => p.Value.Value));
        var result = GradientChecker.Check(vars =>
        {
            int offset = 0;
            var x = differentiableInput ? vars[offset++] : Variable.Constant(input);
            for (int i = 0; i < names.Length; i++) module.ReplaceParameter(names[i], vars[offset + i]);
            return forward(module, x);
        }, inputs, options ?? Options);
        Assert.True(result.Passed, $"{module.GetType().Name}: {result}");
        Assert.True(result.ElementsChecked >= inputs.Sum(t => t.ElementCount));
    }

    public static Tensor Input(int[] shape, long seed) => Tensor.RandomNormal(shape, seed, dtype: DType.Float64);
}
