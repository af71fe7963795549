namespace Qail.Envs;

/// <summary>A deterministic simulated environment: same seed and same actions give the same bits.</summary>
public interface IEnv
{
    /// <summary>Registry name, e.g. "cartpole-balance".</summary>
    string Name { get; }

    /// <summary>What the observations and actions look like.</summary>
    EnvSpec Spec { get; }

    /// <summary>Starts a new episode from the given seed and returns the first observation.</summary>
    Observation Reset(int seed);

    /// <summary>
    /// Advances one fixed time step. Throws <see cref="ArgumentException"/> for an action of the wrong length
    /// or with NaN/infinite entries, and <see cref="InvalidOperationException"/> after the episode ended;
    /// in both cases the state is left unchanged.
    /// </summary>
    StepResult Step(ReadOnlySpan<float> action);

    /// <summary>Renders the current state as an RGB frame for people to look at.</summary>
    RgbFrame Render();
}
