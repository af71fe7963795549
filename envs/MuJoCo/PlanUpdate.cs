namespace Qail.Envs.MuJoCo;

/// <summary>
/// How a sampling planner turns scored candidate plans into its next nominal plan: the best one (predictive
/// sampling) or an exponentially weighted average (MPPI, Williams et al.) with the temperature taken relative to the
/// spread of the returns, so one setting serves rewards of any scale.
/// </summary>
public static class PlanUpdate
{
    /// <summary>
    /// Writes into <paramref name="nominal"/> the new plan from <paramref name="candidates"/> (one plan of
    /// <paramref name="nominal"/>'s length after another) and their <paramref name="returns"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths disagree or the temperature is negative or not
    /// finite.</exception>
    public static void Apply(ReadOnlySpan<double> candidates, ReadOnlySpan<double> returns, double temperature,
        Span<double> nominal)
    {
        int size = nominal.Length;
        if (returns.Length == 0 || candidates.Length != returns.Length * size)
            throw new ArgumentException($"PlanUpdate: {candidates.Length} candidate values for {returns.Length} " +
                                        $"returns of plans of length {size}.", nameof(candidates));
        if (!(temperature >= 0 && double.IsFinite(temperature)))
            throw new ArgumentException($"PlanUpdate: temperature {temperature} must be finite and non-negative.",
                nameof(temperature));
        int best = 0;
        double worst = returns[0];
        for (int i = 1; i < returns.Length; i++)
        {
            if (returns[i] > returns[best]) best = i;
            worst = Math.Min(worst, returns[i]);
        }
        double spread = returns[best] - worst;
        if (temperature == 0 || spread <= 0 || !double.IsFinite(spread))
        {
            candidates.Slice(best * size, size).CopyTo(nominal);
            return;
        }
        nominal.Clear();
        double total = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            double weight = Math.Exp((returns[i] - returns[best]) / (temperature * spread));
            total += weight;
            var plan = candidates.Slice(i * size, size);
            for (int k = 0; k < size; k++) nominal[k] += weight * plan[k];
        }
        for (int k = 0; k < size; k++) nominal[k] /= total;
    }
}
