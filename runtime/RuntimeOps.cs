namespace Qail.Runtime;

/// <summary>
/// The registry of runtime ops: each kind declared once. The policy file reader finds readers here, the GPU parity
/// tests take their exactness from it, and the op table of runtime/README.md is its <see cref="MarkdownTable"/>.
/// </summary>
internal static class RuntimeOps
{
    /// <summary>Every op kind, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<RuntimeOpKind> All =
    [
        new(Normalize.Name, Normalize.Read, true, "input normalisation (x - mean) / std"),
        new(FloatLinear.Name, FloatLinear.Read, false, "fp32 linear layer over rows on Sgemm (FP32 export)"),
        new(DequantizedLinear.Name, DequantizedLinear.Read, false,
            "weight-only 5..8-bit (or small-group) codes dequantized at load, run on Sgemm"),
        new(Int4Linear.Name, Int4Linear.Read, false, "weight-only 2..4-bit groupwise codes on the int4 kernels"),
        new(Int8Linear.Name, Int8Linear.Read, true,
            "weights and activations quantized per channel / per tensor, exact int32 sums on the int8 GEMM"),
        new(Relu.Name, Relu.Read, true, "max(x, 0)"),
        new(GeluTanh.Name, GeluTanh.Read, false, "GELU, tanh approximation"),
        new(ResidualAdd.Name, ResidualAdd.Read, true, "element-wise sum of a residual branch and its shortcut"),
        new(Concat.Name, Concat.Read, true, "joins vectors end to end"),
        new(Im2col.Name, Im2col.Read, true, "unfolds a CHW or HWC feature map into convolution patches"),
        new(PatchGather.Name, PatchGather.Read, true, "cuts a CHW image into non-overlapping square patches"),
        new(ChannelsFirst.Name, ChannelsFirst.Read, true, "transposes an HWC feature map to CHW"),
        new(TokenSequence.Name, TokenSequence.Read, true,
            "the VLA sequence: patch, state, query and word embeddings plus positions"),
        new(LayerNormRows.Name, LayerNormRows.Read, false, "layer normalisation of each row"),
        new(MaskedAttention.Name, MaskedAttention.Read, false,
            "multi-head self-attention with padding words' keys hidden"),
        new(RowSlice.Name, RowSlice.Read, true, "a range of rows of a [rows, columns] value"),
        new(CommandSelect.Name, CommandSelect.Read, true, "the output of the head the command picks"),
        new(TanhAction.Name, TanhAction.Read, false, "MLP action head: clamp(tanh(x) * half range + centre)"),
        new(CilrsAction.Name, CilrsAction.Read, false, "CILRS action head: tanh steer, sigmoid pedals, clamped"),
        new(BinAction.Name, BinAction.Read, false, "VLA action head: binned logits to actions (argmax or expectation)"),
    ];

    private static readonly Dictionary<string, RuntimeOpKind> ByName = All.ToDictionary(kind => kind.Name,
        StringComparer.Ordinal);

    /// <summary>The kind named <paramref name="name"/>, or null when the runtime has none.</summary>
    public static RuntimeOpKind? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The op table of the docs: one row per kind (name, device exactness, summary).</summary>
    public static string MarkdownTable()
    {
        var table = new System.Text.StringBuilder("| op | device gives the CPU's bits | computes |\n|---|---|---|\n");
        foreach (var kind in All)
            table.Append(
                $"| `{kind.Name}` | {(kind.DeviceExact ? "yes" : "no (float rounding)")} | {kind.Summary} |\n");
        return table.ToString();
    }
}
