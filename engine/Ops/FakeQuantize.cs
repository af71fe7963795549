namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Fake quantization in one pass: (clamp(round(x / s + u) + z, qmin, qmax) - z) * s, rounding half to even, with
    /// optional rounding noise u (input's shape). <paramref name="scale"/> s and <paramref name="zeroPoint"/> z are a
    /// scalar, or shaped like the input with trailing sizes 1 (per channel [rows, 1], per group [rows, groups, 1]), so
    /// each step covers one contiguous run of the input. The same bits as the composition of ops it replaces.
    /// </summary>
    public static Tensor FakeQuantize(Tensor input, Tensor scale, Tensor zeroPoint, int qMin, int qMax,
        Tensor? roundingNoise = null)
    {
        const string op = nameof(FakeQuantize);
        var (x, s, z, u) = FakeQuantizeOperands(op, input, scale, zeroPoint, qMin, qMax, roundingNoise);
        var y = Uninitialized(x.ShapeSpan, x.DType);
        if (x.DType == DType.Float32)
            FakeQuantizeKernel.Forward(x.AsSpan<float>(), u is null ? default : u.AsSpan<float>(), s.AsSpan<float>(),
                z.AsSpan<float>(), qMin, qMax, y.AsSpan<float>());
        else
            FakeQuantizeKernel.Forward(x.AsSpan<double>(), u is null ? default : u.AsSpan<double>(),
                s.AsSpan<double>(), z.AsSpan<double>(), qMin, qMax, y.AsSpan<double>());
        return y;
    }

    /// <summary>
    /// The gradients of <see cref="FakeQuantize"/>: for the input, the clipped straight-through estimator (g where the
    /// code lies in [qmin, qmax], else 0); for the step (LSQ), per step the sum of g * ((q - z) - x / s) inside the
    /// range and g * (q - z) outside, each term times <paramref name="scaleGradFactor"/> (LSQ's gradient scale).
    /// Either is null when not asked for; the step gradient has the step's shape.
    /// </summary>
    public static (Tensor? Input, Tensor? Scale) FakeQuantizeBackward(Tensor gradOutput, Tensor input, Tensor scale,
        Tensor zeroPoint, int qMin, int qMax, Tensor? roundingNoise, double scaleGradFactor, bool inputGrad,
        bool scaleGrad)
    {
        const string op = nameof(FakeQuantizeBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        var (x, s, z, u) = FakeQuantizeOperands(op, input, scale, zeroPoint, qMin, qMax, roundingNoise);
        gradOutput.HostStorage(op);
        CheckSameDType(op, x, gradOutput);
        if (!Shapes.Equal(gradOutput.ShapeSpan, x.ShapeSpan))
            throw new ArgumentException($"{op}: gradOutput shape {Shapes.Format(gradOutput.ShapeSpan)} must equal the "
                + $"input's {Shapes.Format(x.ShapeSpan)}.", nameof(gradOutput));
        var g = gradOutput.Contiguous();
        var dx = inputGrad ? Uninitialized(x.ShapeSpan, x.DType) : null;
        var ds = scaleGrad ? Uninitialized(s.ShapeSpan, s.DType) : null;
        // The per-element step terms are summed per step with one TensorPrimitives.Sum, as the composition did.
        var terms = scaleGrad ? Uninitialized(x.ShapeSpan, x.DType) : null;
        if (x.DType == DType.Float32)
            FakeQuantizeKernel.Backward(g.AsSpan<float>(), x.AsSpan<float>(), u is null ? default : u.AsSpan<float>(),
                s.AsSpan<float>(), z.AsSpan<float>(), qMin, qMax, (float)scaleGradFactor,
                dx is null ? default : dx.AsSpan<float>(), terms is null ? default : terms.AsSpan<float>(),
                ds is null ? default : ds.AsSpan<float>());
        else
            FakeQuantizeKernel.Backward(g.AsSpan<double>(), x.AsSpan<double>(),
                u is null ? default : u.AsSpan<double>(), s.AsSpan<double>(), z.AsSpan<double>(), qMin, qMax,
                scaleGradFactor, dx is null ? default : dx.AsSpan<double>(),
                terms is null ? default : terms.AsSpan<double>(), ds is null ? default : ds.AsSpan<double>());
        return (dx, ds);
    }

    // Checks dtypes and layouts; returns contiguous operands.
    private static (Tensor X, Tensor Scale, Tensor ZeroPoint, Tensor? Noise) FakeQuantizeOperands(string op,
        Tensor input, Tensor scale, Tensor zeroPoint, int qMin, int qMax, Tensor? roundingNoise)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(zeroPoint);
        // Per-step inference calls this for every activation quantizer: no operand array.
        void Check(Tensor? t)
        {
            if (t is null) return;
            t.HostStorage(op);
            t.RequireFloat(op);
            CheckSameDType(op, input, t);
        }
        Check(input);
        Check(scale);
        Check(zeroPoint);
        Check(roundingNoise);
        if (qMin >= qMax)
            throw new ArgumentException($"{op}: qMin {qMin} must be below qMax {qMax}.", nameof(qMin));
        if (!Shapes.Equal(zeroPoint.ShapeSpan, scale.ShapeSpan))
            throw new ArgumentException($"{op}: zero point shape {Shapes.Format(zeroPoint.ShapeSpan)} must equal the "
                + $"scale's {Shapes.Format(scale.ShapeSpan)}.", nameof(zeroPoint));
        if (roundingNoise is not null && !Shapes.Equal(roundingNoise.ShapeSpan, input.ShapeSpan))
            throw new ArgumentException($"{op}: rounding noise shape {Shapes.Format(roundingNoise.ShapeSpan)} must "
                + $"equal the input's {Shapes.Format(input.ShapeSpan)}.", nameof(roundingNoise));
        if (!CoversRuns(input.ShapeSpan, scale.ShapeSpan) || (scale.ElementCount == 0 && input.ElementCount > 0))
            throw new ArgumentException($"{op}: scale shape {Shapes.Format(scale.ShapeSpan)} must be a scalar or the "
                + $"input's shape {Shapes.Format(input.ShapeSpan)} with trailing sizes 1.", nameof(scale));
        return (input.Contiguous(), scale.Contiguous(), zeroPoint.Contiguous(), roundingNoise?.Contiguous());
    }

    // A scalar, or the input's leading sizes followed by 1s: each step then covers one contiguous run.
    private static bool CoversRuns(ReadOnlySpan<int> input, ReadOnlySpan<int> scale)
    {
        if (scale.Length == 0) return true;
        if (scale.Length != input.Length) return false;
        int d = 0;
        while (d < scale.Length && scale[d] == input[d]) d++;
        for (; d < scale.Length; d++) if (scale[d] != 1) return false;
        return true;
    }
}
