using Qail.Engine;

namespace Qail.Autograd;

/// <summary>
/// Compares the recorded backward pass of a function of variables with central finite differences in float64.
/// A non-scalar output is reduced to sum(output * w) with seeded random weights w, so every rule is exercised
/// with a non-trivial output gradient.
/// </summary>
public static class GradientChecker
{
    /// <summary>
    /// Checks d f / d inputs for every element of every input. Inputs are copied to float64; a float64 input keeps its
    /// strides (so non-contiguous views stay non-contiguous) unless elements overlap, as in expanded views.
    /// </summary>
    public static GradCheckResult Check(Func<IReadOnlyList<Variable>, Variable> function, IReadOnlyList<Tensor> inputs,
        GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= GradCheckOptions.Default;
        if (inputs.Count == 0)
            throw new ArgumentException("GradientChecker: at least one input is needed.", nameof(inputs));
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i] is null || !inputs[i].DType.IsFloatingPoint())
                throw new ArgumentException(
                    $"GradientChecker: input {i} must be a float tensor, got {inputs[i]?.ToString() ?? "null"}.",
                    nameof(inputs));
        if (!(options.Epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(options), options.Epsilon,
                "GradientChecker: Epsilon must be positive.");

        var copies = inputs.Select(PrivateFloat64Copy).ToArray();

        // Analytic: one backward pass with the projection weights as the output gradient.
        var parameters = copies.Select(t => Variable.Parameter(t)).ToArray();
        var output = function(parameters);
        var weights = Tensor.RandomUniform(output.Value.ShapeSpan, options.Seed, -1, 1, output.DType);
        if (!output.RequiresGrad)
            throw new ArgumentException(
                "GradientChecker: the function's output does not depend on its inputs through recorded ops.",
                nameof(function));
        output.Backward(weights);

        var worst = new Worst();
        long checkedCount = 0;
        for (int i = 0; i < copies.Length; i++)
        {
            var x = copies[i];
            var analytic = parameters[i].Grad?.ToDoubleArray() ?? new double[x.ElementCount];
            var data = x.HostStorage(nameof(GradientChecker)).AsSpan<double>();
            var positions = StoragePositions(x);
            for (int e = 0; e < positions.Length; e++)
            {
                long p = positions[e];
                double original = data[(int)p];
                data[(int)p] = original + options.Epsilon;
                double plus = Evaluate(function, copies, weights);
                data[(int)p] = original - options.Epsilon;
                double minus = Evaluate(function, copies, weights);
                data[(int)p] = original;
                double numeric = (plus - minus) / (2 * options.Epsilon);
                worst.Observe(analytic[e], numeric, i, e, options);
                checkedCount++;
            }
        }
        return worst.ToResult(copies, checkedCount);
    }

    private static double Evaluate(Func<IReadOnlyList<Variable>, Variable> function, Tensor[] inputs, Tensor weights)
    {
        using var _ = GradMode.NoGrad();
        var y = function(inputs.Select(Variable.Constant).ToArray()).Value;
        var a = y.ToDoubleArray();
        var w = weights.ToDoubleArray();
        double sum = 0;
        for (int k = 0; k < a.Length; k++) sum += a[k] * w[k];
        return sum;
    }

    // A float64 tensor with its own storage; same strides as the source when no two elements share a position.
    private static Tensor PrivateFloat64Copy(Tensor source)
    {
        if (source.DType == DType.Float64 && source.Storage is CpuStorage host)
        {
            var positions = StoragePositions(source);
            if (positions.Distinct().Count() == positions.Length)
            {
                var storage = CpuStorage.Allocate(DType.Float64, host.Length);
                host.AsSpan<double>().CopyTo(storage.AsSpan<double>());
                return new Tensor(storage, source.ShapeSpan, source.StridesSpan, source.Offset);
            }
        }
        return source.Cast(DType.Float64).Clone();
    }

    // Storage index of each element, in row-major order of the logical index.
    private static long[] StoragePositions(Tensor t)
    {
        var positions = new long[t.ElementCount];
        var shape = t.ShapeSpan;
        var strides = t.StridesSpan;
        var index = new int[t.Rank];
        long pos = t.Offset;
        for (long e = 0; e < positions.Length; e++)
        {
            positions[e] = pos;
            for (int d = t.Rank - 1; d >= 0; d--)
            {
                pos += strides[d];
                if (++index[d] < shape[d]) break;
                pos -= (long)strides[d] * shape[d];
                index[d] = 0;
            }
        }
        return positions;
    }

    private sealed class Worst
    {
        private double _maxAbs, _maxRel, _score = -1, _analytic, _numeric;
        private int _input;
        private long _element;
        private bool _passed = true;

        public void Observe(double analytic, double numeric, int input, long element, GradCheckOptions o)
        {
            double abs = Math.Abs(analytic - numeric);
            if (double.IsNaN(abs)) abs = double.PositiveInfinity;
            double scale = Math.Max(Math.Abs(analytic), Math.Abs(numeric));
            double rel = abs == 0 ? 0 : abs / scale;
            double allowed = o.AbsoluteTolerance + o.RelativeTolerance * Math.Abs(numeric);
            double score = abs / allowed;
            _maxAbs = Math.Max(_maxAbs, abs);
            _maxRel = Math.Max(_maxRel, rel);
            if (abs > allowed) _passed = false;
            if (score > _score)
            {
                (_score, _analytic, _numeric, _input, _element) = (score, analytic, numeric, input, element);
            }
        }

        public GradCheckResult ToResult(Tensor[] inputs, long count)
        {
            var shape = inputs[_input].ShapeSpan;
            var index = new int[shape.Length];
            long rest = _element;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (shape[d] == 0) break;
                index[d] = (int)(rest % shape[d]);
                rest /= shape[d];
            }
            return new GradCheckResult(_passed, _maxAbs, _maxRel, _input, index, _analytic, _numeric, count);
        }
    }
}
