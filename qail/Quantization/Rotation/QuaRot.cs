using Qail.Engine;
using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// A QuaRot-style rotation baseline for ReLU MLP policies: every Linear layer whose input width is a power of two gets
/// a randomized Hadamard rotation Q = H diag(±1) / sqrt(K) folded into its weight (W Q) and applied online to its input
/// (x Q, <see cref="RotatedInput"/>), so the FP network computes the same function while weight and activation outliers
/// spread over all channels before 4-bit rounding. A ReLU between layers does not commute with a rotation, so unlike a
/// transformer's residual stream the input side cannot be folded into the producing layer: the rotation stays online,
/// as QuaRot's online Hadamard before the down projection.
/// </summary>
public static class QuaRot
{
    /// <summary>
    /// A rotated copy of <paramref name="network"/> (not modified); returns it with the rotated layers' paths.
    /// </summary>
    public static (PolicyNetwork Rotated, IReadOnlyList<string> Layers) Rotate(PolicyNetwork network, long seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        var rotated = (PolicyNetwork)network.DeepCopy();
        var paths = new List<string>();
        int index = 0;
        foreach (var (path, module) in rotated.NamedModules().ToList())
        {
            if (module is not Linear linear) continue;
            if (linear.InputTransform is not null || linear.WeightTransform is not null)
                throw new ArgumentException(
                    $"QuaRot.Rotate: layer '{path}' already holds a transform; give the full-precision network.",
                    nameof(network));
            int k = linear.InFeatures;
            if (k < 2 || (k & (k - 1)) != 0) continue;
            var q = RandomizedHadamard(k, Init.DeriveSeed(seed, index++));
            var weight = linear.Weight.Value;
            Tensor.MatMul(weight.Cast(DType.Float32), Tensor.From(q, [k, k])).Cast(weight.DType).CopyTo(weight);
            linear.InputTransform = new RotatedInput(Tensor.From(q, [k, k]));
            paths.Add(path);
        }
        return (rotated, paths);
    }

    /// <summary>
    /// The rotated network quantized: round-to-nearest with the best clipping per layer, or GPTQ when
    /// <paramref name="gptq"/> is set; activation scales calibrated on the rotated inputs.
    /// </summary>
    public static PolicyNetwork Apply(PolicyNetwork network, QuantConfig config, IReadOnlyList<PolicyBatch> calibration,
        bool gptq, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(calibration);
        var (rotated, _) = Rotate(network, seed);
        if (gptq) return Gptq.Apply(rotated, config, calibration, seed: seed);
        var student = (PolicyNetwork)Quantizer.Prepare(rotated, config, seed: seed);
        ClipChoice.Apply(student, calibration);
        if (config.Activations is not null)
            Quantizer.CalibrateActivations(student, calibration, b => student.Predict(b));
        return student;
    }

    /// <summary>
    /// Q = diag(±1) H / sqrt(k): Sylvester's Hadamard matrix of order <paramref name="k"/> (a power of two) with random
    /// row signs, orthogonal, row-major. The signs flip the input before H mixes it (x Q = (x ⊙ s) H / sqrt(k)): signs
    /// on H's columns would only flip outputs, leaving |x H| unchanged, so a non-negative (ReLU) input would keep its
    /// whole mean in the first rotated channel, sqrt(k) times the mean: one outlier that sets a per-tensor grid's
    /// range.
    /// </summary>
    public static float[] RandomizedHadamard(int k, long seed)
    {
        if (k < 1 || (k & (k - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(k), k,
                "RandomizedHadamard: the order must be a power of two.");
        var random = new SeededRandom(seed);
        var signs = Enumerable.Range(0, k).Select(_ => random.NextDouble() < 0.5 ? -1f : 1f).ToArray();
        float norm = 1 / MathF.Sqrt(k);
        var q = new float[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                q[i * k + j] = (int.PopCount(i & j) % 2 == 0 ? norm : -norm) * signs[i];
        return q;
    }
}
