using System.Numerics.Tensors;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Decodes [actions, bins] logits into actions as the VLA's ActionTokenizer does: each dimension's range [low, high]
/// cut into equal bins, the action the centre of the most likely bin (argmax, first on ties) or the mean of the bin
/// centres under the softmax (expectation), in double as in training, clamped to the bounds.
/// </summary>
internal sealed class BinAction : UnaryOp
{
    public const string Name = "bin_action";
    private readonly float[] _low, _high;
    private readonly double[] _probabilities;

    public BinAction(float[] low, float[] high, int bins, bool expectation)
    {
        int n = low.Length;
        if (n < 1 || high.Length != n)
            throw new ArgumentException(
                $"BinAction: low {n} and high {high.Length} bounds must be equal in number and positive.");
        if (bins < 2 || (long)n * bins > RuntimeLimits.MaxValues)
            throw new ArgumentException($"BinAction: {bins} bins per dimension; need 2..{RuntimeLimits.MaxValues / n}.",
                nameof(bins));
        for (int d = 0; d < n; d++)
            if (!(float.IsFinite(low[d]) && float.IsFinite(high[d]) && low[d] < high[d]))
                throw new ArgumentException(
                    $"BinAction: dimension {d} has bounds [{low[d]}, {high[d]}]; need finite low < high.");
        (_low, _high, Bins, Expectation) = (low, high, bins, expectation);
        _probabilities = new double[bins];
    }

    public int Bins { get; }

    /// <summary>True for the softmax mean of the bin centres, false for the most likely bin's centre.</summary>
    public bool Expectation { get; }

    public int Actions => _low.Length;

    public override string Kind => Name;
    public override int InputSize => Actions * Bins;
    public override int OutputSize => Actions;
    public override long ParameterBytes => 8L * Actions;

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int d = 0; d < Actions; d++)
        {
            var logits = input.Slice(d * Bins, Bins);
            double width = ((double)_high[d] - _low[d]) / Bins;
            if (!Expectation)
            {
                int best = 0;
                for (int k = 1; k < Bins; k++)
                    if (logits[k] > logits[best]) best = k;
                output[d] = (float)(_low[d] + (best + 0.5) * width);
                continue;
            }
            // The training softmax's steps over doubles (max shift, exp, divide by the sum).
            var p = _probabilities.AsSpan();
            for (int k = 0; k < Bins; k++) p[k] = logits[k];
            TensorPrimitives.Subtract(p, TensorPrimitives.Max<double>(p), p);
            TensorPrimitives.Exp(p, p);
            TensorPrimitives.Divide(p, TensorPrimitives.Sum<double>(p), p);
            double mean = 0;
            for (int k = 0; k < Bins; k++) mean += p[k] * (_low[d] + (k + 0.5) * width);
            output[d] = Math.Clamp((float)mean, _low[d], _high[d]);
        }
    }

    public override RuntimeOp Replicate() => new BinAction(_low, _high, Bins, Expectation);

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_bin_action", Actions, GpuArgument.Values, gpu.Input(0), gpu.Output, gpu.Upload<float>(_low),
            gpu.Upload<float>(_high), Actions, Bins, Expectation ? 1 : 0);

    public override string Describe() => $"{(Expectation ? "expected" : "argmax")} bin action [{Actions}, {Bins}]";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("actions", Actions);
        writer.Attribute("bins", Bins);
        writer.Attribute("expectation", Expectation);
        writer.Tensor("low", Engine.Tensor.From<float>(_low, [Actions]));
        writer.Tensor("high", Engine.Tensor.From<float>(_high, [Actions]));
    }

    public static BinAction Read(OpReader reader)
    {
        int actions = reader.Int("actions", 1, RuntimeLimits.MaxWidth),
            bins = reader.Int("bins", 2, RuntimeLimits.MaxWidth);
        reader.Reserve(8L * bins, "bin probabilities");
        return new BinAction(reader.Finite("low", [actions]), reader.Finite("high", [actions]), bins,
            reader.Bool("expectation"));
    }
}
