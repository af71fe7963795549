using System.Numerics;
using Qail.Kernels.Cpu;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Weight and activation quantized layer (W8A8, W4A4, any 2..8 bits per channel): the input is quantized with the
/// calibrated per-tensor scale and zero point (the fake quantizer's formula), multiplied exactly in int32 by
/// <see cref="Int8Gemm"/> against the packed weight codes, and rescaled in float: y = acc * (sA * sW[n]) + b[n].
/// </summary>
internal sealed class Int8Linear : UnaryOp
{
    public const string Name = "linear_int8";
    private readonly QuantizedWeights _weights;
    private readonly float[]? _bias;
    private readonly ActivationQuantization _activation;
    private readonly PackedInt8Weights _packed;
    private readonly int[] _clampedStart;
    private readonly int[] _clampedColumns;
    private readonly float[] _outputScales;
    private readonly byte[] _unsignedCodes;
    private readonly sbyte[] _signedCodes;
    private readonly int[] _accumulators;

    public Int8Linear(QuantizedWeights weights, float[]? bias, ActivationQuantization activation, int rows = 1)
        : this(weights, bias, activation, rows, Pack(weights ?? throw new ArgumentNullException(nameof(weights))))
    {
    }

    private Int8Linear(QuantizedWeights weights, float[]? bias, ActivationQuantization activation, int rows,
        (PackedInt8Weights Packed, int[] ClampedStart, int[] ClampedColumns) packing)
    {
        if (bias is not null && bias.Length != weights.Rows)
            throw new ArgumentException($"Int8Linear: bias length {bias.Length} != outputs {weights.Rows}.",
                nameof(bias));
        if (rows < 1) throw new ArgumentException($"Int8Linear: rows {rows} must be positive.", nameof(rows));
        if ((long)rows * weights.Columns > RuntimeLimits.MaxValues
            || (long)rows * weights.Rows > RuntimeLimits.MaxValues)
            throw new ArgumentException($"Int8Linear: {rows} rows of [{weights.Rows}, {weights.Columns}] exceed "
                + $"{RuntimeLimits.MaxValues} values.", nameof(rows));
        (_weights, _bias, _activation, Rows) = (weights, bias, activation, rows);
        (_packed, _clampedStart, _clampedColumns) = packing;
        _outputScales = new float[weights.Rows];
        for (int n = 0; n < weights.Rows; n++) _outputScales[n] = activation.Scale * weights.Scales[n];
        _unsignedCodes = activation.Symmetric ? [] : new byte[rows * weights.Columns];
        _signedCodes = activation.Symmetric ? new sbyte[rows * weights.Columns] : [];
        _accumulators = new int[rows * weights.Rows];
    }

    public int Rows { get; }

    /// <summary>
    /// The weight codes and scales, for plans that run this layer another way (see <see cref="QuantizedConvolution"/>).
    /// </summary>
    public QuantizedWeights Weights => _weights;

    /// <summary>The input's quantization.</summary>
    public ActivationQuantization Activation => _activation;

    /// <summary>The float epilogue's factors: y[n] = acc[n] * OutputScales[n] + Bias[n].</summary>
    public ReadOnlySpan<float> OutputScales => _outputScales;

    /// <summary>The bias, or null.</summary>
    public float[]? Bias => _bias;

    public override string Kind => Name;
    public override int InputSize => Rows * _weights.Columns;
    public override int OutputSize => Rows * _weights.Rows;
    public override long ParameterBytes => _weights.StoredBytes + 4L * (_bias?.Length ?? 0) + 4;

    public override void Run(ReadOnlySpan<float> input, Span<float> output) => Run(input, relu: false, output);

    /// <summary>
    /// From float input to float output, a following ReLU fused: <see cref="Quantize"/>, <see cref="Multiply"/> and
    /// <see cref="WriteFloats"/> in one kernel call (<see cref="Int8Gemm.QuantizeMultiplyToFloat"/>, the same bits)
    /// unless weight codes were clamped, whose correction reads the codes.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, bool relu, Span<float> output)
    {
        if (_clampedColumns.Length > 0)
        {
            Quantize(input);
            Multiply();
            WriteFloats(relu, output);
            return;
        }
        var a = _activation;
        Int8Gemm.QuantizeMultiplyToFloat(input, Rows, a.Scale, a.ZeroPoint, a.QMin, a.QMax, !a.Symmetric, _packed,
            _outputScales, _bias ?? [], relu, output);
    }

    /// <summary>True when this layer's outputs, in order, are <paramref name="next"/>'s inputs.</summary>
    public bool Feeds(Int8Linear next) => next.InputSize == OutputSize;

    /// <summary>Quantizes <paramref name="input"/> into this layer's activation codes.</summary>
    public void Quantize(ReadOnlySpan<float> input)
    {
        var a = _activation;
        if (a.Symmetric) QuantizeLinear.PerTensor(input, a.Scale, a.ZeroPoint, _signedCodes, a.QMin, a.QMax);
        else QuantizeLinear.PerTensor(input, a.Scale, a.ZeroPoint, _unsignedCodes, a.QMin, a.QMax);
    }

    /// <summary>
    /// The exact int32 sums of this layer's activation codes (set by <see cref="Quantize"/> or the layer before).
    /// </summary>
    public void Multiply()
    {
        var a = _activation;
        if (a.Symmetric)
        {
            Int8Gemm.Multiply(_signedCodes, Rows, a.ZeroPoint, _packed, _accumulators);
            if (_clampedColumns.Length > 0) RestoreClamped(_signedCodes, a.ZeroPoint);
        }
        else
        {
            Int8Gemm.Multiply(_unsignedCodes, Rows, a.ZeroPoint, _packed, _accumulators);
            if (_clampedColumns.Length > 0) RestoreClamped(_unsignedCodes, a.ZeroPoint);
        }
    }

    /// <summary>
    /// The float epilogue, y = acc * OutputScales[n] then + Bias[n] (two roundings, no fused multiply-add), then
    /// max(y, 0) when a ReLU is fused: the values the layer and the ReLU op give one after the other.
    /// </summary>
    public void WriteFloats(bool relu, Span<float> output)
    {
        int outputs = _weights.Rows, width = Vector<float>.Count;
        for (int r = 0; r < Rows; r++)
        {
            var sums = _accumulators.AsSpan(r * outputs, outputs);
            var row = output.Slice(r * outputs, outputs);
            int n = 0;
            if (Vector.IsHardwareAccelerated)
                for (; n + width <= outputs; n += width)
                {
                    var sum = Vector.ConvertToSingle(new Vector<int>(sums.Slice(n, width)));
                    var v = sum * new Vector<float>(_outputScales.AsSpan(n, width));
                    if (_bias is not null) v += new Vector<float>(_bias.AsSpan(n, width));
                    if (relu) v = Vector.Max(v, Vector<float>.Zero);
                    v.CopyTo(row.Slice(n, width));
                }
            for (; n < outputs; n++)
            {
                float v = sums[n] * _outputScales[n];
                if (_bias is not null) v += _bias[n];
                row[n] = relu ? MathF.Max(v, 0f) : v;
            }
        }
    }

    /// <summary>
    /// The epilogue straight to <paramref name="next"/>'s activation codes (<see cref="Int8CodeEpilogue"/>): the codes
    /// its <see cref="Quantize"/> gives for <see cref="WriteFloats"/>' values, without the float values in between.
    /// </summary>
    public void WriteCodes(bool relu, Int8Linear next)
    {
        var a = next._activation;
        var bias = _bias ?? [];
        var (sums, scales) = (_accumulators, _outputScales);
        if (a.Symmetric)
            Int8CodeEpilogue.Requantize(sums, scales, bias, relu, a.Scale, a.ZeroPoint, a.QMin, a.QMax,
                next._signedCodes);
        else
            Int8CodeEpilogue.Requantize(sums, scales, bias, relu, a.Scale, a.ZeroPoint, a.QMin, a.QMax,
                next._unsignedCodes);
    }

    // Subtracts, per row, the activation terms of the weight codes packed as -127 in place of -128 (see Pack).
    private void RestoreClamped<T>(T[] codes, int zeroPoint) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int columns = _weights.Columns, outputs = _weights.Rows;
        for (int r = 0; r < Rows; r++)
            for (int n = 0; n < outputs; n++)
                for (int i = _clampedStart[n]; i < _clampedStart[n + 1]; i++)
                    _accumulators[r * outputs + n] -= int.CreateTruncating(codes[r * columns + _clampedColumns[i]])
                        - zeroPoint;
    }

    public override RuntimeOp Replicate() =>
        new Int8Linear(_weights, _bias, _activation, Rows, (_packed, _clampedStart, _clampedColumns));

    public override bool IsWeightLayer => true;

    public override void Lower(GpuBuilder gpu)
    {
        var a = _activation;
        int columns = _weights.Columns, outputs = _weights.Rows, words = (columns + 3) / 4;
        var (codes, sums, zeros) = DeviceWeights(_weights, words);
        // Unsigned 8-bit activation codes are shifted by 128 to signed bytes, as the weights are (see DeviceWeights).
        int shift = a.QMax > 127 ? 128 : 0;
        var (bias, hasBias) = gpu.Optional(_bias);
        var (w, wSums, wZeros, outScales) = (gpu.Upload<int>(codes), gpu.Upload<int>(sums), gpu.Upload<int>(zeros),
            gpu.Upload<float>(_outputScales));
        int relu = gpu.ReluFollows ? 1 : 0;
        var input = gpu.LayerInput();
        if (Rows == 1)
        {
            gpu.LaunchGroups("pol_linear_int8_group", outputs, GpuArgument.Values, input.Offset, input.Gather,
                input.Gathered, gpu.Output,
                w, wSums, wZeros, outScales,
                bias, hasBias, relu, Rows, outputs, columns, words, a.Scale, a.ZeroPoint, a.QMin, a.QMax, shift,
                gpu.Fault);
            return;
        }
        int scratch = gpu.ScratchValues((long)Rows * words);
        gpu.Launch("pol_quantize", (long)Rows * words, GpuArgument.Values, input.Offset, input.Gather, input.Gathered,
            GpuArgument.Values, scratch, Rows, columns, words,
            a.Scale, a.ZeroPoint, a.QMin, a.QMax, shift, GpuArgument.Values, gpu.Fault);
        gpu.LaunchGroups("pol_linear_int8_codes_group", (long)Rows * outputs, GpuArgument.Values, GpuArgument.Values,
            scratch, gpu.Output,
            w, wSums, wZeros, outScales, bias, hasBias, relu, Rows, outputs, columns, words, a.ZeroPoint - shift);
    }

    // The device form of the weights: codes shifted to signed bytes w' = code - t (t = 128 for unsigned 8-bit codes),
    // four per word with rows zero-padded to whole words, and per row the shifted zero point z - t and the sum of w'
    // over the real columns, which the kernel's zero-point expansion needs.
    private static (int[] Codes, int[] Sums, int[] Zeros) DeviceWeights(QuantizedWeights w, int words)
    {
        int t = w.QMax > 127 ? 128 : 0;
        var codes = new int[w.Rows * words];
        var sums = new int[w.Rows];
        var zeros = new int[w.Rows];
        for (int n = 0; n < w.Rows; n++)
        {
            zeros[n] = w.ZeroPoint(n, 0) - t;
            for (int k = 0; k < w.Columns; k++)
            {
                int v = w.Codes[n * w.Columns + k] - t;
                sums[n] += v;
                codes[n * words + k / 4] |= (v & 255) << (8 * (k % 4));
            }
        }
        return (codes, sums, zeros);
    }

    public override string Describe() =>
        $"linear W{_weights.Bits}A{_activation.Bits} [{_weights.Rows}, {_weights.Columns}]{RowCount.Describe(Rows)} "
            + "int8 GEMM, per-channel float epilogue";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("inputs", _weights.Columns);
        writer.Attribute("outputs", _weights.Rows);
        writer.Attribute("rows", Rows);
        _weights.Write(writer, "weight_");
        _activation.Write(writer, "input_");
        if (_bias is not null) writer.Tensor("bias", Engine.Tensor.From<float>(_bias, [_weights.Rows]));
    }

    public static Int8Linear Read(OpReader reader)
    {
        int inputs = reader.Int("inputs", 1, RuntimeLimits.MaxWidth),
            outputs = reader.Int("outputs", 1, RuntimeLimits.MaxWidth);
        var weights = QuantizedWeights.Read(reader, "weight_", outputs, inputs);
        if (weights.GroupSize != inputs)
            throw reader.Problem($"weight group size {weights.GroupSize}: the int8 kernel takes one scale per output "
                + $"channel ({inputs}).");
        var activation = ActivationQuantization.Read(reader, "input_");
        int rows = RowCount.Read(reader);
        // Activation codes (one byte per input) and int32 accumulators per row, charged before the constructor
        // allocates them.
        reader.Reserve((long)rows * inputs + 4L * rows * outputs + 4L * outputs, "activation codes and accumulators");
        return new Int8Linear(weights, reader.Has("bias") ? reader.Finite("bias", [outputs]) : null, activation, rows);
    }

    // PackedInt8Weights takes values in -127..127 with a zero point per output in -128..127. Row n stores code - t with
    // zero point z - t (t = 128 for unsigned 8-bit codes, else 0), which leaves code - z unchanged. A stored -128 (a
    // symmetric 8-bit code the pmaddubsw kernels cannot take) is packed as -127 and its column listed, so the run
    // subtracts the activation term it lost: acc -= (a_k - aZero), exact in int32.
    private static (PackedInt8Weights, int[], int[]) Pack(QuantizedWeights w)
    {
        if (w.GroupSize != w.Columns)
            throw new ArgumentException($"Int8Linear: weights with groups of {w.GroupSize} over {w.Columns} inputs "
                + "have no integer kernel with quantized activations; use per-channel weights.", nameof(w));
        int t = w.QMax > 127 ? 128 : 0;
        var values = new sbyte[w.Codes.Length];
        var zeros = new int[w.Rows];
        var start = new int[w.Rows + 1];
        var columns = new List<int>();
        for (int n = 0; n < w.Rows; n++)
        {
            for (int k = 0; k < w.Columns; k++)
            {
                int v = w.Codes[n * w.Columns + k] - t;
                if (v < -127)
                {
                    v = -127;
                    columns.Add(k);
                }
                values[n * w.Columns + k] = (sbyte)v;
            }
            zeros[n] = w.ZeroPoint(n, 0) - t;
            start[n + 1] = columns.Count;
        }
        return (PackedInt8Weights.Pack(values, w.Rows, w.Columns, zeros), start, columns.ToArray());
    }
}
