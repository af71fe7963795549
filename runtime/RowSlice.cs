using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Rows start..start+count-1 of a row-major [rows, columns] value (the action-query tokens of a sequence).
/// </summary>
internal sealed class RowSlice : UnaryOp
{
    public const string Name = "row_slice";

    public RowSlice(int rows, int columns, int start, int count)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns > RuntimeLimits.MaxValues)
            throw new ArgumentException($"RowSlice: input [{rows}, {columns}] must be positive and hold at most "
                + $"{RuntimeLimits.MaxValues} values.");
        if (start < 0 || count < 1 || start > rows - count)
            throw new ArgumentException(
                $"RowSlice: rows {start}..{start + count - 1} do not lie within the input's {rows} rows.");
        (Rows, Columns, Start, Count) = (rows, columns, start, count);
    }

    public int Rows { get; }
    public int Columns { get; }
    public int Start { get; }
    public int Count { get; }

    public override string Kind => Name;
    public override int InputSize => Rows * Columns;
    public override int OutputSize => Count * Columns;
    public override long ParameterBytes => 0;

    public override void Run(ReadOnlySpan<float> input, Span<float> output) =>
        input.Slice(Start * Columns, Count * Columns).CopyTo(output);

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_copy", OutputSize, GpuArgument.Values, gpu.Input(0) + Start * Columns, gpu.Output, OutputSize);

    public override string Describe() => $"rows {Start}..{Start + Count - 1} of [{Rows}, {Columns}]";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("rows", Rows);
        writer.Attribute("columns", Columns);
        writer.Attribute("start", Start);
        writer.Attribute("count", Count);
    }

    public static RowSlice Read(OpReader reader)
    {
        int rows = reader.Int("rows", 1, RuntimeLimits.MaxValues),
            columns = reader.Int("columns", 1, RuntimeLimits.MaxWidth);
        return new RowSlice(rows, columns, reader.Int("start", 0, rows - 1), reader.Int("count", 1, rows));
    }
}
