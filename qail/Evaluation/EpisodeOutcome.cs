namespace Qail.Evaluation;

/// <summary>What one closed-loop episode achieved.</summary>
/// <param name="Seed">The env seed of the episode.</param>
/// <param name="Return">Sum of rewards.</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="Success">The env's success flag at the end.</param>
/// <param name="Metrics">The env's named metrics at the end (e.g. driving score, route completion).</param>
/// <param name="ActionError">Mean over every step of the L2 distance to a reference policy's action on the visited
/// state (NaN when no reference was given).</param>
public sealed record EpisodeOutcome(int Seed, double Return, int Steps, bool Success,
    IReadOnlyDictionary<string, double> Metrics,
    double ActionError = double.NaN);
