using System.Diagnostics;
using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Experiments;

/// <summary>
/// The papers' experiment on one env: collect expert demonstrations, train the FP policy by behaviour cloning,
/// quantize it with each method, and evaluate every policy in closed loop on the same seeds.
/// </summary>
public static class QuantizationStudy
{
    /// <summary>Runs the study; <paramref name="progress"/> hears about every stage.</summary>
    public static StudyResult Run(StudyOptions options, IStudyProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Config.Validate();
        var report = progress ?? NoProgress.Instance;
        var env = Env.Lookup(options.Env).Create();
        int evalSeed = EvaluationSeed(options);

        var clock = Stopwatch.StartNew();
        report.Begin("collect", options.DemoEpisodes);
        var demos = Demonstrations.Collect(options.Env, options.DemoEpisodes, options.Seed, options.DemoNoise);
        report.End("collect", $"{demos.Episodes} expert episodes, {demos.Steps} steps ({clock.Elapsed.TotalSeconds:F1} s)");

        clock.Restart();
        var teacher = PolicyFactory.Create(PolicyFactory.FamilyFor(env.Spec), env.Spec, options.Hidden, options.Seed + 1);
        report.Begin("train FP", options.Training.Epochs);
        var fpTraining = BehaviourCloning.Train(teacher, demos, options.Training with { Seed = options.Seed + 2 },
            new Progress<(int Epoch, double Loss)>(p => report.Advance("train FP", p.Epoch)));
        double fpSeconds = clock.Elapsed.TotalSeconds;
        report.End("train FP", $"{teacher.ParameterCount} parameters, final loss {fpTraining.FinalLoss:G3} ({fpSeconds:F1} s)");

        var fpPolicy = new NetworkPolicy(teacher, "FP32");
        var rows = new List<StudyRow> { new("FP32", Evaluate(options, fpPolicy, evalSeed, report), [], fpTraining, fpSeconds) };
        var students = new Dictionary<QuantMethod, PolicyNetwork>();
        foreach (var method in options.Methods)
        {
            clock.Restart();
            string name = method.Display();
            var student = method == QuantMethod.Awq
                ? PrepareAwqStudent(teacher, options.Config, demos, options.Seed)
                : PrepareStudent(teacher, options.Config, demos, options.Seed);
            TrainReport? training = null;
            if (method is not (QuantMethod.Ptq or QuantMethod.Awq))
            {
                var fineTuning = FineTuningFor(method, options);
                report.Begin($"fine-tune {name}", fineTuning.Epochs);
                training = QuantAwareImitation.FineTune(student, teacher, demos, fineTuning,
                    new Progress<(int Epoch, double Loss)>(p => report.Advance($"fine-tune {name}", p.Epoch)));
                report.End($"fine-tune {name}", $"final loss {training.FinalLoss:G3} ({clock.Elapsed.TotalSeconds:F1} s)");
            }
            double seconds = clock.Elapsed.TotalSeconds;
            var policy = new NetworkPolicy(student, $"{name} {options.Config.Label}");
            var evaluation = Evaluate(options, policy, evalSeed, report);
            var discrepancy = ClosedLoop.ActionDiscrepancy(env, policy, fpPolicy, evalSeed);
            rows.Add(new StudyRow(name, evaluation, discrepancy, training, seconds));
            students[method] = student;
        }
        return new StudyResult(options, demos, rows, teacher, students);
    }

    /// <summary>First evaluation seed: the options' own, else far from the demonstration seeds, so policies are scored on unseen episodes.</summary>
    public static int EvaluationSeed(StudyOptions options) => options.EvaluationSeed ?? options.Seed + 1_000_000;

    /// <summary>The fine-tuning options of a method: lambda 0 for QAT, saliency for SQIL, rollouts for on-policy.</summary>
    public static QailOptions FineTuningFor(QuantMethod method, StudyOptions options) => method switch
    {
        QuantMethod.Qat => options.FineTuning with { QbcWeight = 0, Saliency = false, OnPolicyEpisodes = 0, Seed = options.Seed + 4 },
        QuantMethod.QailQbc => options.FineTuning with { Saliency = false, OnPolicyEpisodes = 0, Seed = options.Seed + 4 },
        QuantMethod.Sqil => options.FineTuning with { Saliency = true, OnPolicyEpisodes = 0, Seed = options.Seed + 4 },
        QuantMethod.OnPolicy => options.FineTuning with
        {
            Saliency = false,
            OnPolicyEpisodes = Math.Max(1, options.FineTuning.OnPolicyEpisodes == 0 ? options.DemoEpisodes / 4 : options.FineTuning.OnPolicyEpisodes),
            Seed = options.Seed + 4,
        },
        _ => throw new ArgumentException($"{method} involves no fine-tuning.", nameof(method)),
    };

    /// <summary>
    /// The fake-quantized copy of <paramref name="teacher"/>: weight scales calibrated at once and, when the config
    /// quantizes activations, activation scales calibrated on demonstration states. Seeds derive from <paramref name="seed"/>.
    /// </summary>
    public static PolicyNetwork PrepareStudent(PolicyNetwork teacher, QuantConfig config, Demonstrations demos, int seed)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(config);
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, config, seed: seed + 3);
        if (config.Activations is not null)
            Quantizer.CalibrateActivations(student, CalibrationBatches(demos, seed + 5), b => student.Predict(b));
        return student;
    }

    /// <summary>
    /// <see cref="PrepareStudent"/>'s student with AWQ's activation-aware input-channel scales searched and folded first,
    /// on the same calibration batches and quantizer seeds.
    /// </summary>
    public static PolicyNetwork PrepareAwqStudent(PolicyNetwork teacher, QuantConfig config, Demonstrations demos, int seed) =>
        Awq.Apply(teacher, config, CalibrationBatches(demos, seed + 5).ToList(), new AwqOptions { Seed = seed + 3 }).Student;

    /// <summary>Eight batches of 256 demonstration states drawn with a seed, for activation calibration.</summary>
    public static IEnumerable<PolicyBatch> CalibrationBatches(Demonstrations demos, int seed, int batches = 8, int size = 256)
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

    private static EvalResult Evaluate(StudyOptions options, IPolicy policy, int seed, IStudyProgress report)
    {
        string stage = $"evaluate {policy.Label}";
        report.Begin(stage, options.EvalEpisodes);
        var result = ClosedLoop.Evaluate(options.Env, policy, options.EvalEpisodes, seed, progress: new Progress<int>(d => report.Advance(stage, d)));
        report.End(stage, $"return {result.MeanReturn:F1} ± {result.StdReturn:F1}, success {result.SuccessRate:F0}%");
        return result;
    }

    private sealed class NoProgress : IStudyProgress
    {
        public static readonly NoProgress Instance = new();
        public void Begin(string stage, int total) { }
        public void Advance(string stage, int done) { }
        public void End(string stage, string summary) { }
    }
}
