using System.Globalization;
using Qail.Envs;
using Qail.Deployment;
using Qail.Exporting;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Testing.Policies;

/// <summary>
/// Policy-level assertions. Action differences are measured per action dimension relative to its half range
/// ((High - Low) / 2), so one bound serves every env; failures name the observation or step, the dimension and both
/// actions.
/// </summary>
public static class PolicyAssert
{
    /// <summary>
    /// The candidate's action for <paramref name="observation"/> is within <paramref name="bound"/> of the reference's.
    /// </summary>
    public static double ActsAlike(IPolicy reference, IPolicy candidate, Observation observation, ActionSpace space,
        double bound) =>
        ActsAlike(reference, candidate, [observation], space, bound);

    /// <summary>As above over several observations; returns the worst relative difference seen.</summary>
    public static double ActsAlike(IPolicy reference, IPolicy candidate, IEnumerable<Observation> observations,
        ActionSpace space, double bound)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(space);
        var worst = new WorstAction();
        int index = 0;
        foreach (var observation in observations)
            worst.Observe(index++, reference.Act(observation), candidate.Act(observation), space);
        if (worst.Error > bound)
        {
            string what = $"'{candidate.Label}' vs '{reference.Label}' at observation";
            throw new NumericAssertionException(worst.Describe(what, bound));
        }
        return worst.Error;
    }

    /// <summary>
    /// The deployed integer policy of a prepared (fake-quantized, calibrated) network acts like the network itself, its
    /// fake-quant twin, within <paramref name="bound"/> on every observation.
    /// </summary>
    public static double DeployedMatchesFakeQuant(PolicyNetwork prepared, IEnumerable<Observation> observations,
        double bound)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        return ActsAlike(new EvalModePolicy(prepared, "fake quant"), Export.ToIntegerPolicy(prepared).AsPolicy(),
            observations,
            prepared.Spec.Action, bound);
    }

    /// <summary>
    /// Runs one closed-loop episode of <paramref name="env"/> from <paramref name="seed"/> for at most <paramref
    /// name="steps"/>
    /// steps, driven by <paramref name="policy"/> (e.g. the quantized one), and asks <paramref name="reference"/> (e.g.
    /// the
    /// FP one) for its action on the same observations. Fails when any step's action error exceeds <paramref
    /// name="bound"/>;
    /// returns the per-step errors otherwise.
    /// </summary>
    public static double[] ClosedLoopActionError(IEnv env, IPolicy policy, IPolicy reference, int seed, int steps,
        double bound)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps,
            "ClosedLoopActionError: at least one step.");
        var errors = new List<double>();
        var worst = new WorstAction();
        var observation = env.Reset(seed);
        for (int t = 0; t < steps; t++)
        {
            var action = policy.Act(observation);
            errors.Add(worst.Observe(t, reference.Act(observation), action, env.Spec.Action));
            var result = env.Step(action);
            if (result.Done) break;
            observation = result.Observation;
        }
        if (worst.Error > bound)
            throw new NumericAssertionException(worst.Describe(
                $"{env.Name} seed {seed}: '{policy.Label}' (driving) vs '{reference.Label}' at step", bound));
        return [.. errors];
    }

    /// <summary>
    /// An exported policy (an ONNX Runtime session, a C ABI call, ...), given as a function from state to action,
    /// acts like the .NET deployed policy it was exported from within <paramref name="bound"/> of each action's half
    /// range on every state. Returns the worst relative difference; failures name <paramref name="exportName"/>, the
    /// state's index, the action dimension and both actions.
    /// </summary>
    public static double ExportMatches(IDeployedPolicy reference, Func<float[], float[]> exported,
        IEnumerable<float[]> states, ActionSpace space, double bound, string exportName)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(exported);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentException.ThrowIfNullOrWhiteSpace(exportName);
        if (reference.Inputs.FirstOrDefault(i => i.Kind != GraphInputKind.State) is { } other)
            throw new ArgumentException($"ExportMatches: '{reference.Label}' reads a {other.Kind} input; only " +
                "state-only policies can be driven by a function of the state.", nameof(reference));
        var worst = new WorstAction();
        int index = 0;
        foreach (var state in states)
        {
            ArgumentNullException.ThrowIfNull(state, nameof(states));
            var expected = new float[reference.ActionSize];
            reference.Act(new PolicyInputs { State = state }, expected);
            // A copy, so an export that writes into its input cannot change what the next comparison sees.
            var actual = exported([.. state]) ?? throw new NumericAssertionException(
                $"{exportName} returned no action for state {index}.");
            worst.Observe(index++, expected, actual, space);
        }
        if (worst.Error > bound)
            throw new NumericAssertionException(worst.Describe($"{exportName} vs '{reference.Label}' at state", bound));
        return worst.Error;
    }

    /// <summary>
    /// As above as a property over generated states (e.g. <see cref="PolicyGenerators.State"/>): a failure is shrunk
    /// to a simple state and reported with the seed that replays it (<see cref="PropertyFailedException"/>).
    /// </summary>
    public static void ExportMatches(IDeployedPolicy reference, Func<float[], float[]> exported,
        Generator<float[]> states, ActionSpace space, double bound, string exportName, CheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        Check.ForAll(states, s => ExportMatches(reference, exported, [s], space, bound, exportName), options);
    }

    private sealed class WorstAction
    {
        private int _where = -1, _dim;
        private float _expected, _actual;

        public double Error { get; private set; }

        public double Observe(int where, float[] expected, float[] actual, ActionSpace space)
        {
            if (expected.Length != actual.Length || expected.Length != space.Size)
                throw new NumericAssertionException(
                    $"Action lengths differ: reference {expected.Length}, candidate {actual.Length}, " +
                    $"space {space.Size}.");
            double stepWorst = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double half = Math.Max((space.High[i] - space.Low[i]) / 2.0, 1e-12);
                double e = Math.Abs(expected[i] - actual[i]) / half;
                if (double.IsNaN(e)) e = double.PositiveInfinity;
                stepWorst = Math.Max(stepWorst, e);
                if (_where < 0 || e > Error) (Error, _where, _dim, _expected, _actual) = (e, where, i, expected[i],
                    actual[i]);
            }
            return stepWorst;
        }

        public string Describe(string prefix, double bound) => string.Create(CultureInfo.InvariantCulture,
            $"{prefix} {_where}, action {_dim}: reference {_expected:R}, candidate {_actual:R}, " +
            $"error {Error:G4} of the half range exceeds the bound {bound:G4}.");
    }
}
