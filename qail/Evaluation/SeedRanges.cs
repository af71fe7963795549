namespace Qail.Evaluation;

/// <summary>
/// Where each kind of episode takes its env seeds, so that seeds used to choose anything (checkpoints, learning
/// rates, clipping) are never the seeds a result is reported on. Validation episode i resets with
/// <c>ValidationBase + i</c>, test episode i with <c>TestBase + i</c>; demonstrations use hashed 31-bit seeds, checked
/// against both ranges by <see cref="CheckDisjoint"/>.
/// </summary>
public static class SeedRanges
{
    /// <summary>First validation episode seed (checkpoint and recipe choices).</summary>
    public const int ValidationBase = 500_000;

    /// <summary>First test episode seed (every reported figure).</summary>
    public const int TestBase = 1_000_000;

    /// <summary>Validation episodes may not reach into the test range.</summary>
    public const int MaxValidationEpisodes = TestBase - ValidationBase;

    /// <summary>Throws when a demonstration reset seed falls into the validation or test episodes' seeds.</summary>
    public static void CheckDisjoint(IEnumerable<int> demonstrationSeeds, int validationEpisodes, int testEpisodes)
    {
        ArgumentNullException.ThrowIfNull(demonstrationSeeds);
        if (validationEpisodes > MaxValidationEpisodes)
            throw new ArgumentOutOfRangeException(nameof(validationEpisodes), validationEpisodes,
                $"At most {MaxValidationEpisodes} validation episodes.");
        foreach (int seed in demonstrationSeeds)
            if ((seed >= ValidationBase && seed < ValidationBase + validationEpisodes)
                || (seed >= TestBase && seed < TestBase + testEpisodes))
                throw new InvalidOperationException($"Demonstration seed {seed} lies in the validation or test seed "
                    + "range; pick another training seed.");
    }
}
