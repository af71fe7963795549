using Qail.Engine;

namespace Qail.Engine.Tests;

/// <summary>Straightforward reference implementations over double[] with explicit index math (no engine ops).</summary>
internal static class Ref
{
    /// <summary>Seed for every property: FsCheck replays this, so runs are reproducible.</summary>
    public const string Seed = "(20261126,1234567891)";

    /// <summary>Reads a tensor's elements in row-major order by walking its strides over the raw storage.</summary>
    public static double[] Read(Tensor t)
    {
        var data = t.HostStorage().Data;
        var shape = t.ShapeToArray();
        var strides = t.Strides.ToArray();
        var result = new double[t.ElementCount];
        for (int flat = 0; flat < result.Length; flat++)
        {
            var index = Unravel(flat, shape);
            long offset = t.Offset;
            for (int d = 0; d < shape.Length; d++) offset += (long)index[d] * strides[d];
            result[flat] = Convert.ToDouble(data.GetValue(offset));
        }
        return result;
    }

    public static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    public static int Ravel(int[] index, int[] shape)
    {
        int flat = 0;
        for (int d = 0; d < shape.Length; d++) flat = flat * shape[d] + index[d];
        return flat;
    }

    public static int Count(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    public static int[] BroadcastShape(params int[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var result = Enumerable.Repeat(1, rank).ToArray();
        foreach (var s in shapes)
            for (int i = 0; i < s.Length; i++)
            {
                int d = rank - s.Length + i;
                if (s[i] != 1) result[d] = s[i];
            }
        return result;
    }

    /// <summary>Flat position in a (right-aligned, size-1-broadcast) source shape of an output multi-index.</summary>
    public static int SourceIndex(int[] outIndex, int[] sourceShape)
    {
        int lead = outIndex.Length - sourceShape.Length;
        var index = new int[sourceShape.Length];
        for (int i = 0; i < sourceShape.Length; i++) index[i] = sourceShape[i] == 1 ? 0 : outIndex[lead + i];
        return Ravel(index, sourceShape);
    }

    public static double[] Zip(double[] a, int[] sa, double[] b, int[] sb, Func<double, double, double> f,
        out int[] shape)
    {
        shape = BroadcastShape(sa, sb);
        var result = new double[Count(shape)];
        for (int i = 0; i < result.Length; i++)
        {
            var idx = Unravel(i, shape);
            result[i] = f(a[SourceIndex(idx, sa)], b[SourceIndex(idx, sb)]);
        }
        return result;
    }

    /// <summary>Rounds each value to float32 when the dtype is float32 (the precision the engine delivers).</summary>
    public static double[] InDType(double[] values, DType dtype) =>
        dtype == DType.Float32 ? values.Select(v => (double)(float)v).ToArray() : values;

    /// <summary>
    /// Groups elements by their output position after reducing the flagged dims, then aggregates each group.
    /// </summary>
    public static double[] Reduce(double[] x, int[] shape, bool[] reduced, Func<List<double>, double> aggregate,
        out int[] keptShape)
    {
        keptShape = shape.Select((s, d) => reduced[d] ? 1 : s).ToArray();
        var groups = Enumerable.Range(0, Count(keptShape)).Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            var idx = Unravel(i, shape);
            for (int d = 0; d < shape.Length; d++) if (reduced[d]) idx[d] = 0;
            groups[Ravel(idx, keptShape)].Add(x[i]);
        }
        return groups.Select(aggregate).ToArray();
    }

    public static double StdTol(DType dtype) => dtype == DType.Float32 ? 1e-5 : 1e-12;
}
