using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// DAgger (Ross, Gordon and Bagnell, 2011) for teachers that behaviour cloning alone leaves far below their expert:
/// each round runs the current policy, labels every state it visits with the expert, and trains a fresh policy on
/// everything gathered. The policy of the round with the best validation return is kept.
/// </summary>
public static class DAgger
{
    /// <summary>
    /// One round: its policy's training, its validation return, and (from round 1) the mean return of the previous
    /// policy's episodes that the round added.
    /// </summary>
    public sealed record Round(int Index, int Episodes, int Steps, double RolloutReturn, double ValidationReturn,
        TrainReport Training, double Seconds)
    {
        /// <summary>
        /// One line for progress reports ("previous teacher's new episodes returned 307.3; trained on 50 episodes,
        /// ...").
        /// </summary>
        public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{(Index == 0 ? "" : $"previous teacher's new episodes returned {RolloutReturn:F1}; ")}trained on "
            + $"{Episodes} episodes, {Steps} steps, kept epoch {Training.ChosenEpoch} of {Training.EpochsRun}, "
            + $"validation return {ValidationReturn:F1} ({Seconds:F1} s)");
    }

    /// <summary>
    /// The kept round's policy, training report and data (what it was trained on), and every round's figures.
    /// </summary>
    public sealed record Result(PolicyNetwork Policy, Demonstrations Data, TrainReport Training, int ChosenRound,
        IReadOnlyList<Round> Rounds);

    /// <summary>
    /// Runs a round's <paramref name="learner"/> for <paramref name="episodes"/> episodes from episode
    /// <paramref name="firstIndex"/> of <paramref name="seed"/>'s stream, every visited state labelled by the expert
    /// (<see cref="Demonstrations.CollectOnPolicy"/> or a cache of it).
    /// </summary>
    public delegate Demonstrations RoundCollector(EvalModePolicy learner, int episodes, int seed, int firstIndex);

    /// <summary>
    /// A <see cref="RoundCollector"/> for a registered env that keeps every round's episodes in
    /// <paramref name="directory"/> under the learner's <see cref="PolicyFingerprint"/>
    /// (<see cref="DemonstrationCache.GetOrCollectOnPolicy"/>): a run that stops resumes at the episode it was
    /// labelling, every round before it a cache hit (training is seeded, so the same rounds give the same learners).
    /// </summary>
    public static RoundCollector Cached(string envName, string directory) =>
        (learner, episodes, seed, firstIndex) => DemonstrationCache.GetOrCollectOnPolicy(envName,
            PolicyFingerprint.Of(learner.Network), () => learner.Replicate().Act, episodes, seed, firstIndex,
            directory, out _);

    /// <summary>
    /// What `qail train` and `qail study` gather rounds with: <see cref="Cached"/> in
    /// <see cref="DemonstrationCache.DirectoryFor"/> the env (planner experts, hours a run), else null (collected
    /// afresh: the other experts take seconds).
    /// </summary>
    public static RoundCollector? CachedForPlanners(string envName) =>
        DemonstrationCache.DirectoryFor(envName) is { } directory ? Cached(envName, directory) : null;

    /// <summary>
    /// Round 0 clones <paramref name="demonstrations"/>; round k (1 to <paramref name="rounds"/>) runs round k - 1's
    /// policy for <paramref name="episodesPerRound"/> episodes (seeds continuing the demonstrations' stream:
    /// <see cref="Demonstrations.EpisodeSeed"/>(demonstrations' seed, demonstration count + (k - 1) x episodes per
    /// round + i)), has <paramref name="expertFactory"/> label the states, and trains a fresh
    /// <paramref name="create"/>() on all rounds' episodes followed by the demonstrations, so the held-out tail that
    /// early-stops every round is the demonstrations' own last episodes (checked). The round with the highest
    /// <paramref name="validation"/> return is kept; ties keep the earlier round.
    /// </summary>
    /// <param name="create">A fresh, identically initialised policy for every round.</param>
    /// <param name="demonstrations">The expert's demonstrations (the last episodes held out).</param>
    /// <param name="envFactory">Creates the env the rounds' episodes run in.</param>
    /// <param name="expertFactory">The expert that labels the visited states (bound to one env).</param>
    /// <param name="rounds">Aggregation rounds after the first cloning (0: plain behaviour cloning).</param>
    /// <param name="episodesPerRound">Episodes of the current policy each round adds.</param>
    /// <param name="training">Behaviour-cloning settings of every round (held-out fraction, early stopping,
    /// seed).</param>
    /// <param name="validation">Validation return of a policy (higher is better; never the test episodes).</param>
    /// <param name="roundDone">Hears about each round as it ends.</param>
    /// <param name="progress">Hears every round's epochs (numbered from 1 in each round).</param>
    /// <param name="collect">Gathers each round's episodes; default: <see cref="Demonstrations.CollectOnPolicy"/> on
    /// <paramref name="envFactory"/> and <paramref name="expertFactory"/>, nothing kept (<see cref="Cached"/> keeps
    /// them).</param>
    public static Result Train(Func<PolicyNetwork> create, Demonstrations demonstrations, Func<IEnv> envFactory,
        Func<IEnv, IExpert> expertFactory, int rounds, int episodesPerRound, TrainOptions training,
        Func<PolicyNetwork, double> validation, Action<Round>? roundDone = null,
        IProgress<(int Epoch, double Loss)>? progress = null, RoundCollector? collect = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(demonstrations);
        ArgumentNullException.ThrowIfNull(envFactory);
        ArgumentNullException.ThrowIfNull(expertFactory);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        CheckRounds(rounds, episodesPerRound, demonstrations.Episodes, training.ValidationFraction);
        collect ??= (learner, episodes, seed, firstIndex) => Demonstrations.CollectOnPolicy(envFactory, expertFactory,
            () => learner.Replicate().Act, episodes, seed, firstIndex);
        var gathered = new List<Demonstrations>();
        var history = new List<Round>();
        Result? best = null;
        PolicyNetwork? previous = null;
        for (int k = 0; k <= rounds; k++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            double rolloutReturn = double.NaN;
            if (previous is not null)
            {
                var visited = collect(new EvalModePolicy(previous, "DAgger"), episodesPerRound, demonstrations.Seed,
                    demonstrations.Episodes + (k - 1) * episodesPerRound);
                rolloutReturn = visited.Rewards.Sum(r => (double)r) / visited.Episodes;
                gathered.Add(visited);
            }
            var data = Demonstrations.Concat([.. gathered, demonstrations]);
            var policy = create();
            var report = BehaviourCloning.Train(policy, data, training, progress);
            double score = validation(policy);
            var round = new Round(k, data.Episodes, data.Steps, rolloutReturn, score, report,
                clock.Elapsed.TotalSeconds);
            history.Add(round);
            roundDone?.Invoke(round);
            if (best is null || score > history[best.ChosenRound].ValidationReturn)
                best = new Result(policy, data, report, k, history);
            previous = policy;
        }
        return best!;
    }

    /// <summary>
    /// Throws unless the rounds are valid and the demonstrations stay at least the held-out fraction of the aggregate
    /// (so the held-out tail never reaches the rounds' own episodes).
    /// </summary>
    public static void CheckRounds(int rounds, int episodesPerRound, int demonstrations, double validationFraction)
    {
        if (rounds < 0)
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "DAgger: rounds must be at least 0.");
        if (episodesPerRound < 1)
            throw new ArgumentOutOfRangeException(nameof(episodesPerRound), episodesPerRound,
                "DAgger: episodes per round must be at least 1.");
        if (rounds == 0) return;
        if (!(validationFraction > 0))
            throw new ArgumentException("DAgger: the demonstrations need a held-out fraction to early-stop each round.",
                nameof(validationFraction));
        long total = demonstrations + (long)rounds * episodesPerRound;
        if (Math.Ceiling(validationFraction * total) > demonstrations - 1)
            throw new ArgumentException($"DAgger: {rounds} rounds of {episodesPerRound} episodes outgrow the "
                + $"{demonstrations} demonstrations: the held-out tail ({validationFraction:P0} of {total}) must lie "
                + "inside them with one left to train on.", nameof(rounds));
    }
}
