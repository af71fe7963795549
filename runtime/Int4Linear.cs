using Qail.Kernels.Cpu;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Weight-only layer with 2..4-bit codes packed as <see cref="GroupwiseInt4Weights"/> and run by
/// <see cref="Int4Matmul"/> in its dequantize-to-fp32 mode (activations stay fp32, as in the fake-quant model). Groups
/// of 32/64/128 map directly; per-channel codes use groups of 32 sharing the row's scale, with the inputs zero-padded
/// to a multiple of 32. Where 4-bit weights cannot pay (see <see cref="DequantizesAtLoad"/>) the layer runs fp32
/// weights dequantized once at load (bit-identical to the fake-quant weight) on Sgemm instead: the file keeps the 4-bit
/// codes.
/// </summary>
internal sealed class Int4Linear : UnaryOp
{
    public const string Name = "linear_int4";
    private readonly QuantizedWeights _weights;
    private readonly float[]? _bias;
    private readonly PackedInt4Weights _packed;
    private readonly float[]? _padded;
    private readonly FloatLinear? _dequantized;

    // fp32 weights up to this size stay in the L2 cache between steps (1 MB per core on the EPYC and typical ARM
    // cores), where streaming them costs less than unpacking nibbles.
    private const long CacheResidentBytes = 512 * 1024;

    public Int4Linear(QuantizedWeights weights, float[]? bias, int rows = 1)
        : this(weights, bias, rows, Pack(weights ?? throw new ArgumentNullException(nameof(weights))))
    {
    }

    private Int4Linear(QuantizedWeights weights, float[]? bias, int rows, PackedInt4Weights packed)
    {
        if (bias is not null && bias.Length != weights.Rows)
            throw new ArgumentException($"Int4Linear: bias length {bias.Length} != outputs {weights.Rows}.",
                nameof(bias));
        if (rows < 1) throw new ArgumentException($"Int4Linear: rows {rows} must be positive.", nameof(rows));
        if ((long)rows * packed.Columns > RuntimeLimits.MaxValues
            || (long)rows * weights.Rows > RuntimeLimits.MaxValues)
            throw new ArgumentException($"Int4Linear: {rows} rows of [{weights.Rows}, {weights.Columns}] exceed "
                + $"{RuntimeLimits.MaxValues} values.", nameof(rows));
        (_weights, _bias, _packed, Rows) = (weights, bias, packed, rows);
        if (DequantizesAtLoad(weights.Rows, weights.Columns, rows))
            _dequantized = new FloatLinear(weights.Dequantize(), bias, weights.Rows, weights.Columns, rows);
        else _padded = packed.Columns == weights.Columns ? null : new float[rows * packed.Columns];
    }

    /// <summary>
    /// True when a layer of <paramref name="outputs"/> x <paramref name="inputs"/> weights over <paramref name="rows"/>
    /// input rows runs on fp32 weights dequantized at load: with more than one row each weight is reused per row, so
    /// the layer is compute-bound and the fp32 GEMM beats unpacking (VLA layers over 109 tokens: 13-59 µs against
    /// 11-46 µs); with one row it is memory-bound only once the fp32 weights leave the cache.
    /// </summary>
    public static bool DequantizesAtLoad(int outputs, int inputs, int rows) =>
        rows > 1 || 4L * outputs * inputs <= CacheResidentBytes;

    public int Rows { get; }

    /// <summary>
    /// True when the codes fit the int4 kernel: at most 4 bits and groups of 32, 64, 128 or whole rows.
    /// </summary>
    public static bool Fits(QuantizedWeights weights) =>
        weights.Bits <= 4 && (weights.GroupSize is 32 or 64 or 128 || weights.GroupSize == weights.Columns);

    public override string Kind => Name;
    public override int InputSize => Rows * _weights.Columns;
    public override int OutputSize => Rows * _weights.Rows;
    public override long ParameterBytes => _weights.StoredBytes + 4L * (_bias?.Length ?? 0);

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_dequantized is not null)
        {
            _dequantized.Run(input, output);
            return;
        }
        var x = input;
        if (_padded is not null)
        {
            int columns = _weights.Columns, padded = _packed.Columns;
            for (int r = 0; r < Rows; r++) input.Slice(r * columns, columns).CopyTo(_padded.AsSpan(r * padded));
            x = _padded;
        }
        Int4Matmul.Multiply(_packed, x, Rows, output, _bias, Int4ActivationMode.Float);
    }

    public override RuntimeOp Replicate() => _padded is null ? this : new Int4Linear(_weights, _bias, Rows, _packed);

    public override bool IsWeightLayer => true;

    public override void Lower(GpuBuilder gpu)
    {
        var canonical = _packed.Source;
        var (bias, hasBias) = gpu.Optional(_bias);
        var input = gpu.LayerInput();
        gpu.LaunchGroups("pol_linear_int4_group", (long)Rows * _weights.Rows, GpuArgument.Values, input.Offset,
            input.Gather, input.Gathered, gpu.Output,
            gpu.Upload<byte>(canonical.Codes), gpu.Upload<float>(canonical.Scales),
            gpu.Upload<byte>(canonical.ZeroPoints ?? [0]),
            canonical.IsSymmetric ? 1 : 0, bias, hasBias, gpu.ReluFollows ? 1 : 0, Rows, _weights.Rows,
            _weights.Columns, canonical.Columns, canonical.GroupSize);
    }

    public override string Describe() =>
        $"linear W{_weights.Bits} "
            + $"{(_weights.GroupSize == _weights.Columns ? "per-channel" : $"g{_weights.GroupSize}")} [{_weights.Rows},"
            + $" {_weights.Columns}]{RowCount.Describe(Rows)} " +
        (_dequantized is null ? $"int4 packed (kernel group {_packed.GroupSize}), dequantize-fp32 GEMV"
            : "int4 codes dequantized to fp32 at load (compute-bound or cache-resident), sgemm");

    public override void Write(OpWriter writer)
    {
        writer.Attribute("inputs", _weights.Columns);
        writer.Attribute("outputs", _weights.Rows);
        writer.Attribute("rows", Rows);
        _weights.Write(writer, "weight_");
        if (_bias is not null) writer.Tensor("bias", Engine.Tensor.From<float>(_bias, [_weights.Rows]));
    }

    public static Int4Linear Read(OpReader reader)
    {
        int inputs = reader.Int("inputs", 1, RuntimeLimits.MaxWidth),
            outputs = reader.Int("outputs", 1, RuntimeLimits.MaxWidth);
        var weights = QuantizedWeights.Read(reader, "weight_", outputs, inputs);
        if (!Fits(weights))
            throw reader.Problem($"W{weights.Bits} group {weights.GroupSize} codes do not fit the int4 kernel.");
        int rows = RowCount.Read(reader);
        // The fp32 weights dequantized at load, or the padded input copy (columns rounded up to whole kernel groups),
        // charged before the constructor allocates them.
        if (DequantizesAtLoad(outputs, inputs, rows))
            reader.Reserve(4L * outputs * inputs, "weights dequantized at load");
        else reader.Reserve(4L * rows * (inputs + 127), "padded input rows");
        return new Int4Linear(weights, reader.Has("bias") ? reader.Finite("bias", [outputs]) : null, rows);
    }

    // Canonical layout: symmetric codes as signed nibbles, asymmetric as unsigned with packed per-group zero points.
    // Padding columns hold the code of value 0 (0, or the row's zero point).
    private static PackedInt4Weights Pack(QuantizedWeights w)
    {
        if (!Fits(w))
            throw new ArgumentException(
                $"Int4Linear: W{w.Bits} group {w.GroupSize} over {w.Columns} inputs does not fit the int4 kernel.",
                nameof(w));
        bool direct = w.GroupSize is 32 or 64 or 128;
        int group = direct ? w.GroupSize : 32;
        int columns = direct ? w.Columns : (w.Columns + 31) / 32 * 32;
        int groups = columns / group;
        var codes = new byte[(long)w.Rows * columns / 2];
        var scales = new float[w.Rows * groups];
        var zeros = w.Symmetric ? null : new byte[(w.Rows * groups + 1) / 2];
        for (int r = 0; r < w.Rows; r++)
        {
            for (int g = 0; g < groups; g++)
            {
                int source = direct ? g : 0;
                scales[r * groups + g] = w.Scales[r * w.GroupsPerRow + source];
                if (zeros is not null) GroupwiseInt4Weights.SetNibble(zeros, r * groups + g, w.ZeroPoint(r, source));
            }
            for (int k = 0; k < columns; k++)
            {
                int code = k < w.Columns ? w.Codes[r * w.Columns + k] : w.ZeroPoint(r, 0);
                GroupwiseInt4Weights.SetNibble(codes, (long)r * columns + k, code);
            }
        }
        return new PackedInt4Weights(new GroupwiseInt4Weights(codes, scales, zeros, w.Rows, columns, group));
    }
}
