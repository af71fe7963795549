using Qail.Kernels.Cpu;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product with NumPy matmul semantics: 1-D operands are promoted (and the added dim removed), leading
    /// batch dims broadcast. Runs on the kernels-cpu GEMM; transposed views are passed as transposes, not copied.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        const string op = nameof(MatMul);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a.HostStorage(op);
        b.HostStorage(op);
        CheckSameDType(op, a, b);
        a.RequireFloat(op);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul: operands need rank >= 1, got shapes {Shapes.Format(a.ShapeSpan)} and "
                + $"{Shapes.Format(b.ShapeSpan)}.");
        var a2 = a.Rank == 1 ? a.Unsqueeze(0) : a;
        var b2 = b.Rank == 1 ? b.Unsqueeze(1) : b;
        int m = a2.Size(-2), k = a2.Size(-1), n = b2.Size(-1);
        if (b2.Size(-2) != k)
            throw new ArgumentException($"MatMul: inner dimensions differ: shapes {Shapes.Format(a.ShapeSpan)} and "
                + $"{Shapes.Format(b.ShapeSpan)} ({k} vs {b2.Size(-2)}).");
        int[] batch;
        try
        {
            batch = Shapes.Broadcast(a2.ShapeSpan[..^2], b2.ShapeSpan[..^2], op);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"MatMul: batch dimensions of {Shapes.Format(a.ShapeSpan)} and "
                + $"{Shapes.Format(b.ShapeSpan)} cannot be broadcast.");
        }
        var ea = a2.Expand([.. batch, m, k]);
        var eb = b2.Expand([.. batch, k, n]);
        var result = Zeros([.. batch, m, n], a.DType);
        int batchCount = (int)Shapes.ElementCount(batch);
        var index = new int[batch.Length];
        for (int bi = 0; bi < batchCount; bi++)
        {
            long offA = ea.Offset, offB = eb.Offset;
            for (int d = 0; d < batch.Length; d++)
            {
                offA += (long)index[d] * ea._strides[d];
                offB += (long)index[d] * eb._strides[d];
            }
            var matA = new Tensor(ea.Storage, [m, k], ea._strides.AsSpan(^2), offA);
            var matB = new Tensor(eb.Storage, [k, n], eb._strides.AsSpan(^2), offB);
            Gemm(matA, matB, result, (long)bi * m * n, beta: 0);
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++index[d] < batch[d]) break;
                index[d] = 0;
            }
        }
        var shape = result.ShapeToArray().ToList();
        if (b.Rank == 1) shape.RemoveAt(shape.Count - 1);
        if (a.Rank == 1) shape.RemoveAt(shape.Count - (b.Rank == 1 ? 1 : 2));
        return result.Reshape([.. shape]);
    }

    /// <summary>
    /// C (contiguous m x n at <paramref name="offsetC"/> in <paramref name="c"/>) = A*B + beta*C for 2-D views.
    /// </summary>
    internal static void Gemm(Tensor a, Tensor b, Tensor c, long offsetC, double beta)
    {
        int m = a._shape[0], k = a._shape[1], n = b._shape[1];
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            // An empty inner dimension contributes nothing; the operands may not even have addressable storage.
            if (c.DType == DType.Float32)
                ScaleRegion(c.HostStorage().AsSpan<float>().Slice((int)offsetC, m * n), (float)beta);
            else ScaleRegion(c.HostStorage().AsSpan<double>().Slice((int)offsetC, m * n), beta);
            return;
        }
        var (sa, transA, lda, offA) = GemmOperand(a);
        var (sb, transB, ldb, offB) = GemmOperand(b);
        if (c.DType == DType.Float32)
        {
            Sgemm.Multiply(transA, transB, m, n, k, 1f, sa.HostStorage().AsSpan<float>()[(int)offA..], lda,
                sb.HostStorage().AsSpan<float>()[(int)offB..], ldb, (float)beta,
                c.HostStorage().AsSpan<float>().Slice((int)offsetC, m * n), n);
        }
        else
        {
            Dgemm.Multiply(transA, transB, m, n, k, 1.0, sa.HostStorage().AsSpan<double>()[(int)offA..], lda,
                sb.HostStorage().AsSpan<double>()[(int)offB..], ldb, beta,
                c.HostStorage().AsSpan<double>().Slice((int)offsetC, m * n), n);
        }
    }

    private static void ScaleRegion<T>(Span<T> region, T beta) where T : System.Numerics.INumber<T>
    {
        if (T.IsZero(beta)) region.Clear();
        else System.Numerics.Tensors.TensorPrimitives.Multiply(region, beta, region);
    }

    // A 2-D view as a BLAS operand: row-major (unit column stride) or transposed (unit row stride) in place; else a
    // copy.
    private static (Tensor Source, bool Transposed, int Ld, long Offset) GemmOperand(Tensor t)
    {
        int rows = t._shape[0], cols = t._shape[1];
        int rs = rows == 1 ? Math.Max(cols, 1) : t._strides[0];
        int cs = cols == 1 ? 1 : t._strides[1];
        if (cs == 1 && rs >= Math.Max(cols, 1)) return (t, false, rs, t.Offset);
        int rsT = rows == 1 ? 1 : t._strides[0];
        int csT = cols == 1 ? Math.Max(rows, 1) : t._strides[1];
        if (rsT == 1 && csT >= Math.Max(rows, 1)) return (t, true, csT, t.Offset);
        var copy = t.Clone();
        return (copy, false, Math.Max(cols, 1), 0);
    }
}
