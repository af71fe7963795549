using Parquet;
using Parquet.Schema;

namespace Qail.Datasets;

/// <summary>
/// Reads a numeric parquet column (scalar or list per row) across row groups into equal-width float rows.
/// </summary>
internal static class ParquetColumns
{
    public static ColumnRows Read(ParquetReader reader, DataField field, string file, string column)
    {
        var values = new List<float>();
        int rows = 0, width = -1;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            long count = group.GetMetadata(field)?.MetaData?.NumValues
                ?? throw new InvalidDataException($"{file}: row group {g} has no '{column}' column chunk.");
            if (count < 0 || count > LeRobotDataset.MaxSteps * 64)
                throw new InvalidDataException($"{file}: '{column}' claims {count} values.");
            var levels = new int[count];
            var read = ReadFloats(group, field, (int)count, levels, file, column);
            bool repeated = field.MaxRepetitionLevel > 0;
            int start = 0;
            for (int i = 1; i <= read.Length; i++)
            {
                if (i < read.Length && repeated && levels[i] != 0) continue;
                int rowWidth = i - start;
                if (width >= 0 && rowWidth != width)
                    throw new InvalidDataException(
                        $"{file}: '{column}' row {rows} has {rowWidth} values, earlier rows {width}.");
                width = rowWidth;
                rows++;
                start = i;
            }
            values.AddRange(read);
        }
        return new ColumnRows(column, rows, Math.Max(width, 0), [.. values]);
    }

    // Every numeric physical type LeRobot writes, widened to float; nulls are refused (a step without a value).
    private static float[] ReadFloats(ParquetRowGroupReader group, DataField field, int count, int[] levels,
        string file, string column)
    {
        var type = field.ClrType;
        if (type == typeof(float)) return Read<float>(group, field, count, levels, file, column, v => v);
        if (type == typeof(double)) return Read<double>(group, field, count, levels, file, column, v => (float)v);
        if (type == typeof(long)) return Read<long>(group, field, count, levels, file, column, v => v);
        if (type == typeof(int)) return Read<int>(group, field, count, levels, file, column, v => v);
        if (type == typeof(bool)) return Read<bool>(group, field, count, levels, file, column, v => v ? 1f : 0f);
        throw new InvalidDataException($"{file}: '{column}' holds {type.Name}, not numbers.");
    }

    // Raw reading: dense values plus levels. A definition level below the maximum is a null or an empty list,
    // which a step's state or action may not be.
    private static float[] Read<T>(ParquetRowGroupReader group, DataField field, int count, int[] levels, string file,
        string column, Func<T, float> widen) where T : struct
    {
        var values = new T[count];
        var definitions = new int[count];
        group.ReadRawAsync(field, values.AsMemory(), definitions.AsMemory(), levels.AsMemory())
            .GetAwaiter().GetResult();
        if (field.MaxDefinitionLevel > 0
            && Array.FindIndex(definitions, d => d != field.MaxDefinitionLevel) is var hole and >= 0)
            throw new InvalidDataException($"{file}: '{column}' value {hole} is null or an empty list.");
        var result = new float[count];
        for (int i = 0; i < count; i++) result[i] = widen(values[i]);
        return result;
    }
}
