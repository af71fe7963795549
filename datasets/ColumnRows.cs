namespace Qail.Datasets;

/// <summary>One dataset column read as rows of equal width (row-major floats), with the name it came from.</summary>
internal sealed record ColumnRows(string Name, int Rows, int Width, float[] Values);
