namespace Qail.Kernels.Cpu;

/// <summary>
/// Int8 weights W[N, K] (N outputs, K inputs, row-major, as a Linear layer stores them) repacked once for
/// <see cref="Int8Gemm"/>: panels of 16 outputs, K padded to a multiple of 4 with zeros, each step of 4 inputs
/// stored as 16 outputs x 4 consecutive int8 (64 bytes, the operand of vpdpbusd / pmaddubsw / sdot). Column
/// sums and zero points are precomputed for the zero-point correction, padded with zeros to whole panels so the
/// correction runs in whole vectors.
/// Values must lie in -127..127: the AVX2 path multiplies with pmaddubsw(|a|, sign(w, a)), and -128 has no
/// int8 negation (vpsignb leaves it -128) -- with |w| &lt;= 127 each int16 pair sum is at most 2*128*127 = 32512,
/// so the saturating pmaddubsw is exact. Symmetric int8 quantization never produces -128.
/// </summary>
public sealed class PackedInt8Weights
{
    /// <summary>Outputs per packed panel.</summary>
    internal const int PanelWidth = 16;

    internal readonly sbyte[] Panels;
    internal readonly int[] ColumnSums;
    internal readonly int[] ZeroPointsPerOutput;

    /// <summary>N: output features.</summary>
    public int Outputs { get; }
    /// <summary>K: input features.</summary>
    public int Inputs { get; }
    /// <summary>K rounded up to a multiple of 4 (the packed depth).</summary>
    internal int PaddedInputs { get; }
    /// <summary>Number of 16-output panels.</summary>
    internal int PanelCount => (Outputs + PanelWidth - 1) / PanelWidth;

    private PackedInt8Weights(sbyte[] panels, int[] columnSums, int[] zeroPoints, int outputs, int inputs,
        int paddedInputs)
    {
        Panels = panels;
        ColumnSums = columnSums;
        ZeroPointsPerOutput = zeroPoints;
        Outputs = outputs;
        Inputs = inputs;
        PaddedInputs = paddedInputs;
    }

    /// <summary>
    /// Packs W[outputs, inputs] (values -127..127). zeroPoints: empty (0), one per-tensor value, or one per output;
    /// each in -128..127.
    /// </summary>
    public static PackedInt8Weights Pack(ReadOnlySpan<sbyte> weights, int outputs, int inputs,
        ReadOnlySpan<int> zeroPoints = default)
    {
        if (outputs < 1)
            throw new ArgumentOutOfRangeException(nameof(outputs), outputs,
                "PackedInt8Weights.Pack: outputs must be >= 1.");
        if (inputs < 1)
            throw new ArgumentOutOfRangeException(nameof(inputs), inputs,
                "PackedInt8Weights.Pack: inputs must be >= 1.");
        if (weights.Length != (long)outputs * inputs)
            throw new ArgumentException(
                $"PackedInt8Weights.Pack: weights length {weights.Length} != outputs {outputs} * inputs {inputs}.",
                nameof(weights));
        if (!zeroPoints.IsEmpty && zeroPoints.Length != 1 && zeroPoints.Length != outputs)
            throw new ArgumentException(
                $"PackedInt8Weights.Pack: zeroPoints length {zeroPoints.Length} must be 0, 1 or outputs {outputs}.",
                nameof(zeroPoints));
        var panelCount = (outputs + PanelWidth - 1) / PanelWidth;
        var zp = new int[panelCount * PanelWidth];
        for (var n = 0; n < outputs; n++)
        {
            zp[n] = zeroPoints.IsEmpty ? 0 : zeroPoints[zeroPoints.Length == 1 ? 0 : n];
            if (zp[n] is < -128 or > 127)
                throw new ArgumentOutOfRangeException(nameof(zeroPoints), zp[n],
                    $"PackedInt8Weights.Pack: zero point of output {n} must be in -128..127.");
        }
        var kp = (inputs + 3) & ~3;
        var panels = new sbyte[(long)panelCount * PanelWidth * kp];
        var sums = new int[panelCount * PanelWidth];
        for (var n = 0; n < outputs; n++)
        {
            var panel = (long)(n / PanelWidth) * PanelWidth * kp;
            var lane = n % PanelWidth;
            for (var k = 0; k < inputs; k++)
            {
                var v = weights[n * inputs + k];
                if (v == sbyte.MinValue)
                    throw new ArgumentException($"PackedInt8Weights.Pack: weights[{n}, {k}] = -128; int8 weights must "
                        + "lie in -127..127 (the pmaddubsw sign trick cannot negate -128).", nameof(weights));
                panels[panel + (k >> 2) * PanelWidth * 4 + lane * 4 + (k & 3)] = v;
                sums[n] += v;
            }
        }
        return new PackedInt8Weights(panels, sums, zp, outputs, inputs, kp);
    }

    /// <summary>The weight zero point of output n.</summary>
    public int ZeroPoint(int output) =>
        output >= 0 && output < Outputs
            ? ZeroPointsPerOutput[output]
            : throw new ArgumentOutOfRangeException(nameof(output), output,
                $"PackedInt8Weights.ZeroPoint: output must be in 0..{Outputs - 1}.");
}
