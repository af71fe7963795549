namespace Qail.Engine;

/// <summary>
/// Walks several same-shaped strided operands row by row (a row is the innermost dimension after merging
/// dimensions that are contiguous for every operand), yielding each operand's storage offset of the row start.
/// </summary>
internal sealed class StridedRows
{
    private readonly int[] _shape;
    private readonly int[][] _strides;
    private readonly long[] _offsets;
    private readonly int[] _index;
    private long _row;

    /// <summary>
    /// Prepares a walk over <paramref name="shape"/> for operands with the given strides and offsets.
    /// </summary>
    public StridedRows(ReadOnlySpan<int> shape, int[][] strides, long[] offsets)
    {
        // Merge dimension d into d+1 when every operand steps over d exactly as one run of d+1.
        var dims = new List<int>();
        var merged = strides.Select(_ => new List<int>()).ToArray();
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1) continue;
            bool mergeable = dims.Count > 0;
            for (int i = 0; i < strides.Length && mergeable; i++) mergeable = merged[i][^1] == strides[i][d] * shape[d];
            if (mergeable)
            {
                dims[^1] *= shape[d];
                for (int i = 0; i < strides.Length; i++) merged[i][^1] = strides[i][d];
                continue;
            }
            dims.Add(shape[d]);
            for (int i = 0; i < strides.Length; i++) merged[i].Add(strides[i][d]);
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            foreach (var m in merged) m.Add(1);
        }
        _shape = dims.ToArray();
        _strides = merged.Select(m => m.ToArray()).ToArray();
        _offsets = (long[])offsets.Clone();
        _index = new int[_shape.Length];
        Inner = _shape[^1];
        InnerStrides = _strides.Select(s => s[^1]).ToArray();
        long count = 1;
        foreach (int d in shape) count *= d;
        Rows = Inner == 0 ? 0 : count / Inner;
    }

    /// <summary>Elements per row.</summary>
    public int Inner { get; }

    /// <summary>Number of rows.</summary>
    public long Rows { get; }

    /// <summary>Step between consecutive row elements, per operand.</summary>
    public int[] InnerStrides { get; }

    /// <summary>Storage offset of the current row's first element for operand <paramref name="operand"/>.</summary>
    public int Offset(int operand) => (int)_offsets[operand];

    /// <summary>Advances to the next row; false after the last row.</summary>
    public bool MoveNext()
    {
        if (++_row >= Rows) return false;
        for (int d = _shape.Length - 2; d >= 0; d--)
        {
            _index[d]++;
            for (int i = 0; i < _offsets.Length; i++) _offsets[i] += _strides[i][d];
            if (_index[d] < _shape[d]) return true;
            for (int i = 0; i < _offsets.Length; i++) _offsets[i] -= (long)_strides[i][d] * _shape[d];
            _index[d] = 0;
        }
        return true;
    }

    /// <summary>
    /// A row of <paramref name="inner"/> elements as a span: a slice when the stride is 1, otherwise gathered
    /// (or broadcast, for stride 0) into <paramref name="scratch"/>.
    /// </summary>
    public static ReadOnlySpan<T> Row<T>(T[] data, int offset, int stride, int inner, T[] scratch)
    {
        if (stride == 1) return new ReadOnlySpan<T>(data, offset, inner);
        if (stride == 0)
        {
            var fill = scratch.AsSpan(0, inner);
            fill.Fill(data[offset]);
            return fill;
        }
        for (int j = 0, o = offset; j < inner; j++, o += stride) scratch[j] = data[o];
        return new ReadOnlySpan<T>(scratch, 0, inner);
    }
}
