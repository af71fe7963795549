using System.Numerics;
using FsCheck;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn.Tests.Optimizers;

/// <summary>The vectorised Adam/AdamW update gives the same bits as the scalar update rule, tail included.</summary>
public class AdamVectorTests
{
    [Property(MaxTest = 10, Replay = "(20261205,23)")]
    public void VectorUpdateEqualsTheScalarRule(PositiveInt length, int seed, bool decoupled)
    {
        int n = 1 + length.Get % 70;
        Check<float>(n, seed, decoupled, DType.Float32);
        Check<double>(n, seed, decoupled, DType.Float64);
    }

    private static void Check<T>(int n, int seed, bool decoupled, DType dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const double lr = 0.01, wd = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var start = Tensor.RandomNormal([n], seed, dtype: dtype);
        var p = Variable.Parameter(start.Clone());
        Optimizer optimizer = decoupled ? new AdamW([p], lr, weightDecay: wd) : new Adam([p], lr, weightDecay: wd);
        var value = start.ToArray<T>();
        var m = new T[n];
        var v = new T[n];
        for (int step = 1; step <= 3; step++)
        {
            var grad = Tensor.RandomNormal([n], seed + step, dtype: dtype);
            p.Grad = grad;
            optimizer.Step();
            var g = grad.ToArray<T>();
            T c1 = T.CreateTruncating(1 - Math.Pow(b1, step)), c2 = T.CreateTruncating(1 - Math.Pow(b2, step));
            T tb1 = T.CreateTruncating(b1), tb2 = T.CreateTruncating(b2), tlr = T.CreateTruncating(lr);
            T twd = T.CreateTruncating(wd), teps = T.CreateTruncating(eps), shrink = T.One - tlr * twd;
            for (int i = 0; i < n; i++)
            {
                T gi = g[i];
                if (decoupled) value[i] *= shrink;
                else gi += twd * value[i];
                m[i] = tb1 * m[i] + (T.One - tb1) * gi;
                v[i] = tb2 * v[i] + (T.One - tb2) * gi * gi;
                value[i] -= tlr * (m[i] / c1) / (T.Sqrt(v[i] / c2) + teps);
            }
            Assert.Equal(value, p.Value.ToArray<T>());
        }
    }
}
