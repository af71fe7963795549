namespace Qail.Envs.Physics;

/// <summary>
/// Discrete-time infinite-horizon LQR: linearizes an env's control-step map around an equilibrium by central
/// differences, then solves the discrete algebraic Riccati equation by fixed-point iteration.
/// </summary>
public sealed class Lqr
{
    private readonly double[] _x0;
    private readonly double[] _u0;

    private Lqr(double[,] gain, double[,] cost, double[] x0, double[] u0)
    {
        Gain = gain;
        Cost = cost;
        _x0 = x0;
        _u0 = u0;
    }

    /// <summary>Feedback gain K (m x n): u = u0 - K (x - x0).</summary>
    public double[,] Gain { get; }

    /// <summary>Riccati solution P (n x n): the cost-to-go is (x - x0)' P (x - x0).</summary>
    public double[,] Cost { get; }

    /// <summary>
    /// Designs the regulator of <paramref name="env"/>'s model around (x0, u0) with diagonal weights.
    /// </summary>
    public static Lqr Design(PhysicsEnv env, double[] x0, double[] u0, double[] stateWeights, double[] controlWeights)
    {
        int n = x0.Length, m = u0.Length;
        if (n != env.StateSize || m != env.Spec.Action.Size || stateWeights.Length != n || controlWeights.Length != m)
            throw new ArgumentException($"Lqr.Design: sizes x0 {n}, u0 {m}, Q {stateWeights.Length}, R "
                + $"{controlWeights.Length} do not match {env.Name} ({env.StateSize} states, {env.Spec.Action.Size} "
                + "controls).");
        var (a, b) = Linearize(env, x0, u0);
        var p = new double[n, n];
        for (int i = 0; i < n; i++) p[i, i] = stateWeights[i];
        var k = new double[m, n];
        for (int iteration = 0; iteration < 100_000; iteration++)
        {
            // K = (R + B'PB)^-1 B'PA ; P' = Q + A'P(A - BK)
            var pa = Mul(p, a);
            var pb = Mul(p, b);
            var s = Mul(Transpose(b), pb);
            for (int i = 0; i < m; i++) s[i, i] += controlWeights[i];
            k = Solve(s, Mul(Transpose(b), pa));
            var closed = Sub(a, Mul(b, k));
            var next = Mul(Transpose(a), Mul(p, closed));
            double change = 0, scale = 0;
            for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = (i == j ? stateWeights[i] : 0) + 0.5 * (next[i, j] + next[j, i]);
                change = Math.Max(change, Math.Abs(v - p[i, j]));
                scale = Math.Max(scale, Math.Abs(v));
                p[i, j] = v;
            }
            if (change <= 1e-10 * scale) return new Lqr(k, p, (double[])x0.Clone(), (double[])u0.Clone());
        }
        throw new InvalidOperationException($"Lqr.Design: Riccati iteration for {env.Name} did not converge.");
    }

    /// <summary>
    /// The control u0 - K (x - x0), before saturation; <paramref name="dx"/> is x - x0 (angles already wrapped).
    /// </summary>
    public void Control(ReadOnlySpan<double> dx, Span<double> u)
    {
        for (int i = 0; i < u.Length; i++)
        {
            double v = _u0[i];
            for (int j = 0; j < dx.Length; j++) v -= Gain[i, j] * dx[j];
            u[i] = v;
        }
    }

    /// <summary>The quadratic cost-to-go (x - x0)' P (x - x0) of a state offset.</summary>
    public double CostToGo(ReadOnlySpan<double> dx)
    {
        double c = 0;
        for (int i = 0; i < dx.Length; i++)
        for (int j = 0; j < dx.Length; j++)
            c += dx[i] * Cost[i, j] * dx[j];
        return c;
    }

    /// <summary>Equilibrium state the regulator holds.</summary>
    public ReadOnlySpan<double> Equilibrium => _x0;

    private static (double[,] A, double[,] B) Linearize(PhysicsEnv env, double[] x0, double[] u0)
    {
        int n = x0.Length, m = u0.Length;
        const double h = 1e-6;
        var a = new double[n, n];
        var b = new double[n, m];
        var plus = new double[n];
        var minus = new double[n];
        for (int j = 0; j < n + m; j++)
        {
            var xp = (double[])x0.Clone();
            var xm = (double[])x0.Clone();
            var up = (double[])u0.Clone();
            var um = (double[])u0.Clone();
            if (j < n) { xp[j] += h; xm[j] -= h; } else { up[j - n] += h; um[j - n] -= h; }
            env.Simulate(xp, up, plus);
            env.Simulate(xm, um, minus);
            for (int i = 0; i < n; i++)
            {
                double d = (plus[i] - minus[i]) / (2 * h);
                if (j < n) a[i, j] = d; else b[i, j - n] = d;
            }
        }
        return (a, b);
    }

    private static double[,] Mul(double[,] x, double[,] y)
    {
        int r = x.GetLength(0), inner = x.GetLength(1), c = y.GetLength(1);
        var z = new double[r, c];
        for (int i = 0; i < r; i++)
        for (int k = 0; k < inner; k++)
        {
            double v = x[i, k];
            for (int j = 0; j < c; j++) z[i, j] += v * y[k, j];
        }
        return z;
    }

    private static double[,] Transpose(double[,] x)
    {
        var t = new double[x.GetLength(1), x.GetLength(0)];
        for (int i = 0; i < x.GetLength(0); i++)
        for (int j = 0; j < x.GetLength(1); j++)
            t[j, i] = x[i, j];
        return t;
    }

    private static double[,] Sub(double[,] x, double[,] y)
    {
        var z = (double[,])x.Clone();
        for (int i = 0; i < x.GetLength(0); i++)
        for (int j = 0; j < x.GetLength(1); j++)
            z[i, j] -= y[i, j];
        return z;
    }

    // Solves S X = Y for X by Gaussian elimination with partial pivoting (S is small and positive definite).
    private static double[,] Solve(double[,] s, double[,] y)
    {
        int m = s.GetLength(0), c = y.GetLength(1);
        var a = (double[,])s.Clone();
        var x = (double[,])y.Clone();
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (int j = 0; j < m; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            for (int j = 0; j < c; j++) (x[col, j], x[pivot, j]) = (x[pivot, j], x[col, j]);
            for (int r = 0; r < m; r++)
            {
                if (r == col) continue;
                double f = a[r, col] / a[col, col];
                for (int j = 0; j < m; j++) a[r, j] -= f * a[col, j];
                for (int j = 0; j < c; j++) x[r, j] -= f * x[col, j];
            }
        }
        for (int r = 0; r < m; r++)
        for (int j = 0; j < c; j++)
            x[r, j] /= a[r, r];
        return x;
    }
}
