#:project ../../qail/Qail.csproj
#:property Nullable=enable
// Closed-loop evaluation, one episode at a time against lockstep batches, in one process on the same policies:
// `dotnet run -c Release perf/closed-loop/closed-loop-bench.cs -- 20` (episodes). Prints the ISA and SGEMM kernel.
using System.Diagnostics;
using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Quantization;

int episodes = int.Parse(args.Length > 0 ? args[0] : "20");
var spec = Env.Lookup("pendulum-swingup").Create().Spec;
var fp = PolicyFactory.Create("mlp", spec, [256, 256], seed: 1);
var student = (PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.WeightOnly(2), seed: 2);
var fpPolicy = new EvalModePolicy(fp, "FP32");
var studentPolicy = new EvalModePolicy(student, "W2");
Console.WriteLine($"ISA {Qail.Kernels.Cpu.KernelDispatch.Active}, SGEMM {Qail.Kernels.Cpu.Sgemm.DescribeKernel()}, " +
    $"cores {Environment.ProcessorCount}, {episodes} episodes, W2 student with FP reference");
for (int round = 0; round < 2; round++)
{
    var clock = Stopwatch.StartNew();
    var one = ClosedLoop.Evaluate("pendulum-swingup", new OneByOne(studentPolicy), episodes, 1_000_000, workers: 2,
        reference: new OneByOne(fpPolicy));
    double a = clock.Elapsed.TotalSeconds;
    clock.Restart();
    var lock_ = ClosedLoop.Evaluate("pendulum-swingup", studentPolicy, episodes, 1_000_000, workers: 2,
        reference: fpPolicy);
    double b = clock.Elapsed.TotalSeconds;
    bool same = one.Episodes.Select(e => (e.Return, e.ActionError))
        .SequenceEqual(lock_.Episodes.Select(e => (e.Return, e.ActionError)));
    Console.WriteLine($"round {round}: one by one {a:F2} s, lockstep {b:F2} s, ratio {a / b:F2}, identical {same}");
}

// Hides the batch interface, so ClosedLoop runs episode by episode.
sealed class OneByOne(IPolicy inner) : IPolicy
{
    public string Label => inner.Label;
    public float[] Act(Observation observation) => inner.Act(observation);
    public IPolicy Replicate() => new OneByOne(inner.Replicate());
}
