namespace Qail.Runtime;

/// <summary>
/// The "rows" attribute of weight-layer ops: how many input rows (tokens, pixels) one call multiplies.
/// </summary>
internal static class RowCount
{
    /// <summary>Most rows of one weight-layer call (a feature map's pixels, a sequence's tokens).</summary>
    public const int Max = 1 << 16;

    public static int Read(OpReader reader) => reader.Int("rows", 1, Max);

    /// <summary>" x 64 rows" for logs; nothing for a single row.</summary>
    public static string Describe(int rows) => rows == 1 ? "" : $" x {rows} rows";
}
