using System.Diagnostics;
using System.Globalization;
using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Experiments;

/// <summary>
/// The papers' experiment on one env and one training seed, under an honest protocol: collect expert demonstrations,
/// train the FP policy by behaviour cloning with early stopping on held-out episodes, quantize it with each method
/// (fine-tuned methods start from the best-clip PTQ and keep the checkpoint, start included, that scores best on
/// validation episodes), and evaluate every policy, the expert and an "FP + extra epochs" control on the same test
/// seeds, which no choice ever sees (<see cref="SeedRanges"/>).
/// </summary>
public static class QuantizationStudy
{
    /// <summary>Row name of the expert's own score.</summary>
    public const string ExpertRow = "expert";

    /// <summary>Row name of the FP policy trained for the students' extra epochs without quantization.</summary>
    public const string ControlRow = "FP + extra epochs";

    /// <summary>
    /// At most this many FP-visited test states are kept for the action error on the FP policy's states.
    /// </summary>
    public const int MaxFpStates = 5_000;

    /// <summary>
    /// Runs the study; <paramref name="progress"/> hears about every stage. With <paramref name="shared"/>, the part no
    /// bit config changes (demonstrations, teacher, FP32, expert and control rows, SQIL's saliency) is taken from it
    /// when an earlier cell with the same <see cref="SharedPartKey"/> computed it, and handed to it otherwise: every
    /// row comes out the same bit for bit (bar the wall times of the steps reused).
    /// </summary>
    public static StudyResult Run(StudyOptions options, IStudyProgress? progress = null,
        SharedPartCache? shared = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Config.Validate();
        CheckOptions(options);
        var report = progress ?? NoProgress.Instance;
        int testSeed = SeedRanges.TestBase;
        var memo = new Memo();
        Func<PolicyNetwork, double> validation = network =>
            memo.Validation(network, () => ClosedLoop.Evaluate(options.Env,
            new EvalModePolicy(network, "validation"), options.ValidationEpisodes, SeedRanges.ValidationBase)
            .MeanReturn);
        var key = shared is null ? null : SharedPartKey.Of(options);
        var (part, teacher, collected) = Reuse(options, key, shared, report, memo);
        if (part is null)
        {
            // Without a cache the key is never looked up: a bare one names the part.
            (part, teacher) = ComputeShared(options, key ?? new SharedPartKey(options.Env, options.Seed, ""),
                collected ?? Collect(options, report), validation, report, memo);
            shared?.Store(part);
            if (shared?.Folder is not null)
                report.End("shared part", $"stored in {SharedPartFile.Folder(shared.Folder, part.Key)}");
        }
        var demos = part.Demonstrations;
        ArgumentNullException.ThrowIfNull(teacher);
        var fpPolicy = new EvalModePolicy(teacher, "FP32");
        var fpStates = part.FpStates;
        var rows = new List<StudyRow> { part.FullPrecision };
        if (options.Controls) rows.AddRange([part.Expert!, part.Control!]);

        var clock = Stopwatch.StartNew();
        var calibration = CalibrationBatches(demos, options.Seed + 5).ToList();
        var students = new Dictionary<QuantMethod, PolicyNetwork>();
        PolicyNetwork? start = null;
        string startNote = "";
        foreach (var method in options.Methods)
        {
            clock.Restart();
            string name = method.Display();
            PolicyNetwork student;
            TrainReport? training = null;
            string note = "", choice = "";
            if (method.FineTunes())
            {
                if (start is null)
                    (start, startNote) = PrepareBestClip(teacher, options.Config, calibration, options.Seed);
                student = (PolicyNetwork)start.DeepCopy();
                // SQIL's saliency is computed once per teacher and reused by every screen, the final run and (through
                // the shared part) every bit config.
                var methodOptions = FineTuningFor(method, options);
                if (methodOptions.Saliency && methodOptions.QbcWeight > 0 && methodOptions.SaliencyScores is null)
                {
                    var scores = Saliency(part, methodOptions.SaliencyPatchSize, teacher, shared, report, name,
                        out string? from);
                    methodOptions = methodOptions with { SaliencyScores = scores };
                    report.End($"saliency {name}", from is null
                        ? $"{demos.Steps} steps ({clock.Elapsed.TotalSeconds:F1} s)" : $"reused from {from}");
                }
                (var fineTuning, choice, string screens) =
                    ScreenFineTuning(methodOptions, start, teacher, demos, validation, options);
                report.End($"screen {name}", $"{choice}; {screens} ({clock.Elapsed.TotalSeconds:F1} s)");
                report.Begin($"fine-tune {name}", fineTuning.Epochs);
                training = QuantAwareImitation.FineTune(student, teacher, demos, fineTuning,
                    new Progress<(int Epoch, double Loss)>(p => report.Advance($"fine-tune {name}", p.Epoch)),
                    validation, options.CheckpointEvery);
                note = $"{choice} ({screens}); kept epoch {training.ChosenEpoch} of {fineTuning.Epochs} "
                    + KeptBy(training);
                report.End($"fine-tune {name}", $"{choice}, kept epoch {training.ChosenEpoch} of {fineTuning.Epochs} ("
                    + $"{clock.Elapsed.TotalSeconds:F1} s)");
            }
            else
                (student, note) = method switch
                {
                    QuantMethod.Ptq => start is null ? PrepareBestClip(teacher, options.Config, calibration,
                        options.Seed) : ((PolicyNetwork)start.DeepCopy(), startNote),
                    QuantMethod.PtqMinMax =>
                        (PrepareStudent(teacher, options.Config, demos, options.Seed), "min-max ranges"),
                    QuantMethod.Gptq => (Gptq.Apply(teacher, options.Config, calibration, seed: options.Seed + 3),
                        "GPTQ, MSE-clipped scales, damping 0.01"),
                    QuantMethod.QuaRotRtn => (QuaRot.Apply(teacher, options.Config, calibration, gptq: false,
                        options.Seed + 3), "Hadamard-rotated hidden inputs, best clip"),
                    QuantMethod.QuaRotGptq => (QuaRot.Apply(teacher, options.Config, calibration, gptq: true,
                        options.Seed + 3), "Hadamard-rotated hidden inputs, GPTQ"),
                    QuantMethod.Awq =>
                        (PrepareAwqStudent(teacher, options.Config, demos, options.Seed), "AWQ scales + MSE clipping"),
                    _ => throw new ArgumentException($"{method} is not a post-training method.", nameof(options)),
                };
            if (method == QuantMethod.Ptq && start is null)
                (start, startNote) = ((PolicyNetwork)student.DeepCopy(), note);
            double seconds = clock.Elapsed.TotalSeconds;
            var policy = new EvalModePolicy(student, $"{name} {options.Config.Label}");
            var evaluation = Evaluate(options, policy, testSeed, report, fpPolicy, memo);
            rows.Add(new StudyRow(name, evaluation, ClosedLoop.ActionError(policy, fpPolicy, fpStates), training,
                seconds,
                method.FineTunes() ? QuantMethod.Ptq.Display() : null, note, choice));
            students[method] = student;
        }
        return new StudyResult(options, demos, rows, teacher, students);
    }

    // The shared part of an earlier cell with the same key (memory first, then disk), with a private copy of its
    // teacher, and the memo primed with its test results as if this cell had measured them; no part when it has to be
    // computed (with the demonstrations, when a damaged disk entry made this cell collect them already).
    private static (SharedPart? Part, PolicyNetwork? Teacher, Demonstrations? Collected) Reuse(StudyOptions options,
        SharedPartKey? key, SharedPartCache? shared, IStudyProgress report, Memo memo)
    {
        if (key is null || shared is null) return (null, null, null);
        var part = shared.InMemory(key);
        string origin = "memory";
        Demonstrations? demos = null;
        if (part is null && shared.Folder is not null && SharedPartFile.HasEntry(shared.Folder, key))
        {
            origin = SharedPartFile.Folder(shared.Folder, key);
            try
            {
                part = SharedPartFile.Read(shared.Folder, key, options, () => demos = Collect(options, report),
                    (teacher, evaluation) =>
                    FpVisitedStates(options, new EvalModePolicy(teacher, "FP32"), evaluation));
                if (part is not null) shared.Remember(part);
            }
            catch (InvalidDataException e)
            {
                report.End("shared part", e.Message.TrimEnd('.') + "; recomputing");
                part = null;
            }
        }
        if (part is null) return (null, null, demos);
        var teacher = part.Teacher();
        memo.Prime(teacher, null, part.FullPrecision.Evaluation);
        if (part.Control is { } control) memo.Prime(part.ControlNetwork!, teacher, control.Evaluation);
        report.End("train FP", $"teacher reused from {origin}: {teacher.ParameterCount} parameters, "
            + part.FullPrecision.Note);
        foreach (var row in new[] { part.FullPrecision, part.Expert, part.Control }.OfType<StudyRow>())
            report.End($"evaluate {row.Name}", $"return {row.Evaluation.MeanReturn:F1}, success "
                + $"{row.Evaluation.SuccessRate:F0}% (reused from {origin})");
        return (part, teacher, null);
    }

    // Everything a cell computes before its first bit-config-dependent step, in the order it always ran.
    private static (SharedPart Part, PolicyNetwork Teacher) ComputeShared(StudyOptions options, SharedPartKey key,
        Demonstrations demos, Func<PolicyNetwork, double> validation, IStudyProgress report, Memo memo)
    {
        int testSeed = SeedRanges.TestBase;
        var registration = Env.Lookup(options.Env);
        var env = registration.Create();
        var clock = Stopwatch.StartNew();
        PolicyNetwork NewTeacher() => PolicyFactory.Create(PolicyFactory.FamilyFor(env.Spec), env.Spec,
            options.Hidden, options.Seed + 1);
        var training = options.Training with { Seed = options.Seed + 2 };
        PolicyNetwork teacher;
        TrainReport fpTraining;
        string dagger = "", round = "";
        if (options.DaggerRounds == 0)
        {
            teacher = NewTeacher();
            report.Begin("train FP", options.Training.Epochs);
            fpTraining = BehaviourCloning.Train(teacher, demos, training,
                new Progress<(int Epoch, double Loss)>(p => report.Advance("train FP", p.Epoch)));
        }
        else
        {
            var result = DAgger.Train(NewTeacher, demos, registration.Create, registration.Expert,
                options.DaggerRounds, options.DaggerEpisodes, training, validation,
                r => report.End($"DAgger round {r.Index}", r.Describe()),
                collect: DAgger.CachedForPlanners(options.Env));
            (teacher, demos, fpTraining) = (result.Policy, result.Data, result.Training);
            round = $"DAgger round {result.ChosenRound} of {options.DaggerRounds}";
            dagger = $"; {round} (validation return {result.Rounds[result.ChosenRound].ValidationReturn:F1}), "
                + $"{demos.Episodes} episodes";
        }
        double fpSeconds = clock.Elapsed.TotalSeconds;
        string stopped = (fpTraining.ChosenEpoch is int e
            ? $"kept epoch {e} of {fpTraining.EpochsRun} (validation loss)" : $"{fpTraining.EpochsRun} epochs")
            + dagger;
        report.End("train FP", $"{teacher.ParameterCount} parameters, {stopped} ({fpSeconds:F1} s)");

        var fpPolicy = new EvalModePolicy(teacher, "FP32");
        var fpRow = new StudyRow("FP32", Evaluate(options, fpPolicy, testSeed, report, null, memo),
            double.NaN, fpTraining, fpSeconds, Note: stopped, Choice: round);
        var fpStates = FpVisitedStates(options, fpPolicy, fpRow.Evaluation);
        StudyRow? expertRow = null, controlRow = null;
        PolicyNetwork? control = null;
        if (options.Controls)
        {
            clock.Restart();
            var expert = ExpertOutcomeCache.EvaluateForPlanners(options.Env, options.ExpertTestEpisodes, testSeed);
            expertRow = new StudyRow(ExpertRow, expert, double.NaN, null, clock.Elapsed.TotalSeconds);
            report.End($"evaluate {ExpertRow}", $"return {expert.MeanReturn:F1}, success {expert.SuccessRate:F0}%");
            (controlRow, control) = Control(options, teacher, demos, fpPolicy, fpStates, validation, testSeed, report,
                memo);
        }
        return (new SharedPart(key, demos, teacher, fpRow, fpStates, expertRow, controlRow, control,
            aggregated: options.DaggerRounds > 0), teacher);
    }

    private static Demonstrations Collect(StudyOptions options, IStudyProgress report)
    {
        var clock = Stopwatch.StartNew();
        report.Begin("collect", options.DemoEpisodes);
        // MuJoCo planners take minutes an episode: their demonstrations are cached by recipe and shared by cells.
        var demos = DemonstrationCache.DirectoryFor(options.Env) is { } directory
            ? DemonstrationCache.GetOrCollect(options.Env, options.DemoEpisodes, options.DemonstrationSeed,
                options.DemoNoise, directory, out _)
            : Demonstrations.Collect(options.Env, options.DemoEpisodes, options.DemonstrationSeed, options.DemoNoise);
        SeedRanges.CheckDisjoint(Enumerable.Range(0, options.TrainingEpisodes).Select(i =>
            Demonstrations.EpisodeSeed(options.DemonstrationSeed, i)),
            options.ValidationEpisodes, options.EvalEpisodes);
        report.End("collect",
            $"{demos.Episodes} expert episodes, {demos.Steps} steps ({clock.Elapsed.TotalSeconds:F1} s)");
        return demos;
    }

    // At most MaxFpStates of the states the FP policy visits in the test episodes, evenly strided.
    private static IReadOnlyList<Observation> FpVisitedStates(StudyOptions options, IPolicy fpPolicy,
        EvalResult fpEvaluation) =>
        ClosedLoop.VisitedStates(options.Env, fpPolicy, options.EvalEpisodes, SeedRanges.TestBase,
            stride: Math.Max(1, (int)Math.Ceiling((double)fpEvaluation.Episodes.Sum(o => o.Steps) / MaxFpStates)));

    private static float[] Saliency(SharedPart part, int patchSize, PolicyNetwork teacher, SharedPartCache? shared,
        IStudyProgress report, string name, out string? origin)
    {
        float[] Compute() => Training.Saliency.Scores(teacher, part.Demonstrations, patchSize);
        if (shared is null)
        {
            origin = null;
            return Compute();
        }
        return shared.Saliency(part, patchSize, Compute, fault => report.End($"saliency {name}", fault), out origin);
    }

    /// <summary>
    /// The fine-tuning options of a method: lambda 0 for QAT, saliency for SQIL, rollouts for on-policy.
    /// </summary>
    public static QailOptions FineTuningFor(QuantMethod method, StudyOptions options) => method switch
    {
        QuantMethod.Qat =>
            options.FineTuning with { QbcWeight = 0, Saliency = false, OnPolicyEpisodes = 0, Seed = options.Seed + 4 },
        QuantMethod.QailQbc =>
            options.FineTuning with { Saliency = false, OnPolicyEpisodes = 0, Seed = options.Seed + 4 },
        QuantMethod.Sqil => options.FineTuning with { Saliency = true, OnPolicyEpisodes = 0, Seed = options.Seed + 4 },
        QuantMethod.OnPolicy => options.FineTuning with
        {
            Saliency = false,
            OnPolicyEpisodes = Math.Max(1, options.FineTuning.OnPolicyEpisodes == 0
                ? options.DemoEpisodes / 4 : options.FineTuning.OnPolicyEpisodes),
            Seed = options.Seed + 4,
        },
        _ => throw new ArgumentException($"{method} involves no fine-tuning.", nameof(method)),
    };

    /// <summary>
    /// The fine-tuning options with the learning rate (and, for aligned methods, the QBC weight) chosen by
    /// <see cref="FineTuningChoice"/>: each grid point fine-tunes a copy of <paramref name="start"/> for
    /// <see cref="StudyOptions.ScreenEpochs"/> and is scored by <paramref name="validation"/> (validation episodes).
    /// </summary>
    public static (QailOptions Options, string Choice, string Screens) ScreenFineTuning(QailOptions fineTuning,
        PolicyNetwork start,
        PolicyNetwork teacher, Demonstrations demos, Func<PolicyNetwork, double> validation, StudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(fineTuning);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<double> weights = fineTuning.QbcWeight > 0 ? options.QbcWeights : [0.0];
        var heldOut = DemonstrationSplit.Of(demos, fineTuning.ValidationFraction).Validation;
        var (lr, weight, choice, screens) = FineTuningChoice.Choose(options.LearningRates, weights, (lr, w) =>
        {
            var candidate = (PolicyNetwork)start.DeepCopy();
            QuantAwareImitation.FineTune(candidate, teacher, demos,
                fineTuning with { Epochs = Math.Min(options.ScreenEpochs, options.FineTuning.Epochs), LearningRate = lr,
                    QbcWeight = w });
            return Score(candidate, demos, heldOut, validation);
        });
        return (fineTuning with { LearningRate = lr, QbcWeight = weight }, choice, screens);
    }

    /// <summary>
    /// The fake-quantized copy of <paramref name="teacher"/> with min-max weight ranges and, when the config quantizes
    /// activations, activation scales calibrated on demonstration states. Seeds derive from <paramref name="seed"/>.
    /// </summary>
    public static PolicyNetwork PrepareStudent(PolicyNetwork teacher, QuantConfig config, Demonstrations demos,
        int seed)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(config);
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, config, seed: seed + 3);
        if (config.Activations is not null)
            Quantizer.CalibrateActivations(student, CalibrationBatches(demos, seed + 5), b => student.Predict(b));
        return student;
    }

    /// <summary>
    /// The strong PTQ baseline: <see cref="PrepareStudent"/>'s student with each layer's weight clipping chosen by
    /// <see cref="ClipChoice"/> on the calibration batches; the note lists the choice per layer.
    /// </summary>
    public static (PolicyNetwork Student, string Note) PrepareBestClip(PolicyNetwork teacher, QuantConfig config,
        IReadOnlyList<PolicyBatch> calibration, int seed)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(config);
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, config, seed: seed + 3);
        var choices = ClipChoice.Apply(student, calibration);
        if (config.Activations is not null)
            Quantizer.CalibrateActivations(student, calibration, b => student.Predict(b));
        return (student, "clip per layer: " + string.Join(", ", choices.Select(c => $"{c.Path} {c.Chosen}")));
    }

    /// <summary>
    /// <see cref="PrepareStudent"/>'s student with AWQ's activation-aware input-channel scales searched and folded
    /// first, with AWQ's clipping step (MSE clipping of each scale cell), on the same calibration batches and quantizer
    /// seeds.
    /// </summary>
    public static PolicyNetwork PrepareAwqStudent(PolicyNetwork teacher, QuantConfig config, Demonstrations demos,
        int seed) =>
        Awq.Apply(teacher, config, CalibrationBatches(demos, seed + 5).ToList(),
            new AwqOptions { Seed = seed + 3, WeightCalibration = CalibrationMethod.Mse }).Student;

    /// <summary>Eight batches of 256 demonstration states drawn with a seed, for activation calibration.</summary>
    public static IEnumerable<PolicyBatch> CalibrationBatches(Demonstrations demos, int seed, int batches = 8,
        int size = 256)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var random = new Engine.SeededRandom(seed);
        for (int b = 0; b < batches; b++)
        {
            var indices = new int[Math.Min(size, demos.Steps)];
            for (int i = 0; i < indices.Length; i++) indices[i] = random.NextInt(demos.Steps);
            yield return PolicyBatch.FromDemonstrations(demos, indices);
        }
    }

    // The FP policy trained the students' fine-tuning epochs more, at their learning rate, with the same checkpoint
    // choice: whatever a student gains over FP that this control also gains is extra training, not quantization
    // awareness.
    private static (StudyRow Row, PolicyNetwork Network) Control(StudyOptions options, PolicyNetwork teacher,
        Demonstrations demos, IPolicy fpPolicy,
        IReadOnlyList<Observation> fpStates, Func<PolicyNetwork, double> validation, int testSeed,
        IStudyProgress report, Memo memo)
    {
        var clock = Stopwatch.StartNew();
        var control = (PolicyNetwork)teacher.DeepCopy();
        var extra = new TrainOptions
        {
            Epochs = options.FineTuning.Epochs,
            BatchSize = options.FineTuning.BatchSize,
            LearningRate = options.FineTuning.LearningRate,
            WeightDecay = options.FineTuning.WeightDecay,
            ClipNorm = options.FineTuning.ClipNorm,
            ValidationFraction = options.Training.ValidationFraction,
            Seed = options.Seed + 4,
        };
        // The control's learning rate is screened like the students' (same grid, same screen length, same episodes).
        var heldOut = DemonstrationSplit.Of(demos, extra.ValidationFraction).Validation;
        var (lr, _, choice, screens) = FineTuningChoice.Choose(options.LearningRates, [0.0], (lr, _) =>
        {
            var candidate = (PolicyNetwork)teacher.DeepCopy();
            BehaviourCloning.Continue(candidate, demos,
                extra with { Epochs = Math.Min(options.ScreenEpochs, options.FineTuning.Epochs), LearningRate = lr });
            return Score(candidate, demos, heldOut, validation);
        });
        extra = extra with { LearningRate = lr };
        report.End($"screen {ControlRow}", $"{choice}; {screens}");
        report.Begin($"train {ControlRow}", extra.Epochs);
        var training = BehaviourCloning.Continue(control, demos, extra,
            new Progress<(int Epoch, double Loss)>(p => report.Advance($"train {ControlRow}", p.Epoch)), validation,
            options.CheckpointEvery);
        string note = string.Create(CultureInfo.InvariantCulture,
            $"{choice} ({screens}); kept epoch {training.ChosenEpoch} of {extra.Epochs} {KeptBy(training)}");
        report.End($"train {ControlRow}", $"{choice}, kept epoch {training.ChosenEpoch} of {extra.Epochs}");
        double seconds = clock.Elapsed.TotalSeconds;
        var policy = new EvalModePolicy(control, ControlRow);
        return (new StudyRow(ControlRow, Evaluate(options, policy, testSeed, report, fpPolicy, memo),
            ClosedLoop.ActionError(policy, fpPolicy, fpStates),
            training, seconds, "FP32", note, choice), control);
    }

    private static string KeptBy(TrainReport training) => training.TieDecided
        ? "(validation return tied; held-out action error decided)" : "(validation return)";

    // A screen's validation return, with the held-out demonstrations' action error to break exact ties (0 when the
    // demonstrations hold nothing out, so ties then keep the earlier grid point).
    private static ScreenScore Score(PolicyNetwork candidate, Demonstrations demos, int[] heldOut,
        Func<PolicyNetwork, double> validation) =>
        new(validation(candidate), heldOut.Length == 0 ? 0 : HeldOutActionError.Of(candidate, demos, heldOut));

    private static void CheckOptions(StudyOptions options)
    {
        if (options.ExpertEpisodes is int n && (n < 1 || n > options.EvalEpisodes))
            throw new ArgumentOutOfRangeException(nameof(options), n,
                $"Study: expert episodes must be 1 to the {options.EvalEpisodes} test episodes.");
        if (options.LearningRates.Count == 0 || options.LearningRates.Any(lr => !(lr > 0) || !double.IsFinite(lr)))
            throw new ArgumentException("Study: learning rates must be one or more positive numbers.", nameof(options));
        if (options.QbcWeights.Count == 0 || options.QbcWeights.Any(w => !(w > 0) || !double.IsFinite(w)))
            throw new ArgumentException("Study: QBC weights must be one or more positive numbers.", nameof(options));
        DAgger.CheckRounds(options.DaggerRounds, options.DaggerEpisodes, options.DemoEpisodes,
            options.Training.ValidationFraction);
        if (options.ScreenEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ScreenEpochs,
                "Study: screen epochs must be at least 1.");
    }

    private static EvalResult Evaluate(StudyOptions options, EvalModePolicy policy, int seed, IStudyProgress report,
        IPolicy? reference, Memo memo)
    {
        string stage = $"evaluate {policy.Label}";
        var clock = Stopwatch.StartNew();
        report.Begin(stage, options.EvalEpisodes);
        var (result, shared) = memo.Test(policy.Network, (reference as EvalModePolicy)?.Network,
            () => ClosedLoop.Evaluate(options.Env, policy, options.EvalEpisodes, seed,
            progress: new Progress<int>(d => report.Advance(stage, d)), reference: reference));
        report.End(stage, $"return {result.MeanReturn:F1} ± {result.StdReturn:F1}, success {result.SuccessRate:F0}% " +
            (shared is null ? $"({clock.Elapsed.TotalSeconds:F1} s)" : $"(same weights as {shared}: not run again)"));
        return result with { Policy = policy.Label };
    }

    // Seeded closed-loop results by weights: a policy identical to one already measured (the PTQ start that every
    // fine-tuned method checks first, a fine-tuned method or control that kept its start) is not run again.
    private sealed class Memo
    {
        private readonly Dictionary<string, double> _validation = [];
        private readonly Dictionary<(string, bool), EvalResult> _test = [];

        public double Validation(PolicyNetwork network, Func<double> run)
        {
            string key = PolicyFingerprint.Of(network);
            if (!_validation.TryGetValue(key, out double value)) _validation[key] = value = run();
            return value;
        }

        // Records a result measured by an earlier cell on the same weights, as Test would have stored it.
        public void Prime(PolicyNetwork network, PolicyNetwork? reference, EvalResult result) =>
            _test[(PolicyFingerprint.Of(network), reference is not null)] = result;

        public (EvalResult Result, string? SharedWith) Test(PolicyNetwork network, PolicyNetwork? reference,
            Func<EvalResult> run)
        {
            string fingerprint = PolicyFingerprint.Of(network);
            var key = (fingerprint, reference is not null);
            if (_test.TryGetValue(key, out var known)) return (known, known.Policy);
            // The reference itself (a control that kept the teacher's weights): its action error to itself is zero.
            if (reference is not null && PolicyFingerprint.Of(reference) == fingerprint
                && _test.TryGetValue((fingerprint, false), out var self))
                return (_test[key] =
                    self with { Episodes = [.. self.Episodes.Select(e => e with { ActionError = 0 })] }, self.Policy);
            return (_test[key] = run(), null);
        }
    }

    private sealed class NoProgress : IStudyProgress
    {
        public static readonly NoProgress Instance = new();
        public void Begin(string stage, int total) { }
        public void Advance(string stage, int done) { }
        public void End(string stage, string summary) { }
    }
}
