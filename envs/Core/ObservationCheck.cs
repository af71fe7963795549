namespace Qail.Envs;

/// <summary>
/// What every policy refuses in an observation's state, with the same message: NaN or infinite values, and finite
/// values beyond ±<see cref="MaxMagnitude"/>, far outside anything a policy was trained on (demonstrations refuse
/// them too), which would otherwise overflow the normalisation and come out as NaN actions.
/// </summary>
public static class ObservationCheck
{
    /// <summary>Largest state magnitude a policy accepts.</summary>
    public const float MaxMagnitude = 1e9f;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first refused state element; <paramref name="who"/> prefixes
    /// the message.
    /// </summary>
    public static void State(ReadOnlySpan<float> state, string who)
    {
        for (int i = 0; i < state.Length; i++)
        {
            float v = state[i];
            if (!float.IsFinite(v))
                throw new ArgumentException($"{who}: observation state[{i}] = {v} is not finite.", "observation");
            if (Math.Abs(v) > MaxMagnitude)
                throw new ArgumentException(
                    $"{who}: observation state[{i}] = {v:G} lies beyond ±{MaxMagnitude:G}, far outside any "
                    + "training data.",
                    "observation");
        }
    }
}
