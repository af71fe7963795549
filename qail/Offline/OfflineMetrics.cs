using Qail.Envs;
using Qail.Policies;

namespace Qail.Offline;

/// <summary>
/// Offline evaluation on a user's own data, with no simulator: split whole episodes into training and held-out
/// sets (steps of one episode are correlated, so a step-level split would leak), then compare a policy's actions
/// with the held-out labels. For closed-loop numbers, wrap the simulator in <see cref="IEnv"/> and run
/// <see cref="Evaluation.ClosedLoop.RunEpisode"/>.
/// </summary>
public static class OfflineMetrics
{
    /// <summary>
    /// Splits the episodes at random (seeded): about <paramref name="heldOutFraction"/> of them, at least one, held
    /// out.
    /// </summary>
    public static (Demonstrations Train, Demonstrations HeldOut) SplitEpisodes(Demonstrations demos,
        double heldOutFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(demos);
        if (!(heldOutFraction > 0 && heldOutFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction,
                "SplitEpisodes: the fraction must lie in (0, 1).");
        if (demos.Episodes < 2)
            throw new ArgumentException($"SplitEpisodes: {demos.Episodes} episode(s) cannot be split.", nameof(demos));
        int heldOut = Math.Clamp((int)Math.Round(demos.Episodes * heldOutFraction), 1, demos.Episodes - 1);
        var order = Enumerable.Range(0, demos.Episodes).ToArray();
        new Random(seed).Shuffle(order);
        var held = order.Take(heldOut).Order().ToArray();
        var train = order.Skip(heldOut).Order().ToArray();
        return (Subset(demos, train), Subset(demos, held));
    }

    /// <summary>The policy's action error on every step of <paramref name="heldOut"/>.</summary>
    public static ActionError Evaluate(IPolicy policy, Demonstrations heldOut)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(heldOut);
        int a = heldOut.ActionSize;
        var abs = new double[a];
        var sq = new double[a];
        double l2 = 0;
        for (int t = 0; t < heldOut.Steps; t++)
        {
            var action = policy.Act(ObservationAt(heldOut, t));
            if (action.Length != a)
                throw new ArgumentException(
                    $"OfflineMetrics: the policy returns {action.Length} actions, the demonstrations hold {a}.",
                    nameof(policy));
            double step = 0;
            for (int d = 0; d < a; d++)
            {
                double e = action[d] - heldOut.Actions[(long)t * a + d];
                abs[d] += Math.Abs(e);
                sq[d] += e * e;
                step += e * e;
            }
            l2 += Math.Sqrt(step);
        }
        int n = heldOut.Steps;
        return new ActionError(n, l2 / n, [.. abs.Select(v => v / n)], [.. sq.Select(v => Math.Sqrt(v / n))]);
    }

    /// <summary>Step <paramref name="t"/>'s observation, as the env gave it when recorded.</summary>
    public static Observation ObservationAt(Demonstrations demos, int t)
    {
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(t, demos.Steps);
        var state = demos.States?.AsSpan(t * demos.StateSize, demos.StateSize).ToArray();
        byte[]? image = null;
        if (demos.Images is not null && demos.ImageShape is { } shape)
        {
            int frame = shape[0] * shape[1] * shape[2];
            image = demos.Images.AsSpan(t * frame, frame).ToArray();
        }
        var instruction = demos.Instructions?.AsSpan(t * demos.InstructionLength, demos.InstructionLength).ToArray();
        return new Observation(state, image, instruction, demos.Commands?[t]);
    }

    private static Demonstrations Subset(Demonstrations d, int[] episodes)
    {
        var offsets = new List<long> { 0 };
        var rows = new List<int>();
        foreach (var e in episodes)
        {
            for (long t = d.EpisodeOffsets[e]; t < d.EpisodeOffsets[e + 1]; t++) rows.Add((int)t);
            offsets.Add(rows.Count);
        }
        T[]? Take<T>(T[]? values, int width) =>
            values is null ? null : [.. rows.SelectMany(t => values.AsSpan(t * width, width).ToArray())];
        int frame = d.ImageShape is { } s ? s[0] * s[1] * s[2] : 0;
        return Demonstrations.FromArrays(d.EnvName, d.ActionSize, Take(d.Actions, d.ActionSize)!, [.. offsets],
            d.StateSize, Take(d.States, d.StateSize), d.ImageShape, Take(d.Images, frame), d.InstructionLength,
            Take(d.Instructions, d.InstructionLength), Take(d.Commands, 1), Take(d.Rewards, 1),
            [.. episodes.Select(e => d.Successes[e])]);
    }
}
