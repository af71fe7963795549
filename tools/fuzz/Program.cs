using System.Diagnostics;
using System.Globalization;
using Qail.Cli.Commands;
using Qail.Fuzz;
using SharpFuzz;

// qail-fuzz <demos|policy> [--seconds N] [--seed S] [--corpus DIR] [--crashes DIR] | --afl | --libfuzzer
// qail-fuzz seeds DIR
if (args.Length == 0 || (args[0] != "seeds" && !FuzzTarget.All.ContainsKey(args[0])))
{
    Console.Error.WriteLine("usage: qail-fuzz <demos|policy> [--seconds N] [--seed S] [--corpus DIR] [--crashes DIR] | "
        + "--afl | --libfuzzer; qail-fuzz seeds DIR");
    return 2;
}
if (args[0] == "seeds")
{
    Seeds.Write(args.Length > 1 ? args[1] : "fuzz-seeds");
    return 0;
}
var target = FuzzTarget.All[args[0]];
string Option(string name, string fallback) =>
    Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
string scratch = Path.Combine(Path.GetTempPath(), $"qail-fuzz-{Environment.ProcessId}.bin");

if (args.Contains("--afl"))
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using (var file = File.Create(scratch)) stream.CopyTo(file);
        target.Load(scratch);
    });
    return 0;
}
if (args.Contains("--libfuzzer"))
{
    Fuzzer.LibFuzzer.Run(bytes =>
    {
        File.WriteAllBytes(scratch, bytes.ToArray());
        target.Load(scratch);
    });
    return 0;
}

// The plain loop: random mutants of the seed files until the time limit; every crash is saved for a regression test.
double seconds = double.Parse(Option("--seconds", "60"), CultureInfo.InvariantCulture);
var random = new Random(int.Parse(Option("--seed", "1"), CultureInfo.InvariantCulture));
string corpus = Option("--corpus", "");
if (corpus.Length == 0)
{
    corpus = Path.Combine(Path.GetTempPath(), $"qail-fuzz-seeds-{Environment.ProcessId}");
    Seeds.Write(corpus);
}
var seeds = Seeds.For(target.Name, corpus).Select(File.ReadAllBytes).ToList();
if (seeds.Count == 0)
{
    Console.Error.WriteLine($"error: no {target.Name} seed files in '{corpus}'.");
    return 2;
}
string crashes = Directory.CreateDirectory(Option("--crashes", "fuzz-crashes")).FullName;
int mutants = 0, accepted = 0, refused = 0, failures = 0;
long worstRatio = 0;
var clock = Stopwatch.StartNew();
while (clock.Elapsed.TotalSeconds < seconds)
{
    var bytes = RandomMutator.Mutate(seeds[random.Next(seeds.Count)], random);
    File.WriteAllBytes(scratch, bytes);
    mutants++;
    long before = GC.GetAllocatedBytesForCurrentThread();
    string? failure = null;
    try
    {
        if (target.Load(scratch)) accepted++;
        else refused++;
    }
    catch (Exception e)
    {
        failure = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
    }
    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    worstRatio = Math.Max(worstRatio, allocated / Math.Max(1, bytes.Length));
    // The readers' stated bound: max(64 MB, 16 n) bytes for a file of n bytes.
    if (failure is null && allocated > Math.Max(64L << 20, 16L * bytes.Length))
        failure = $"allocated {allocated} bytes for a {bytes.Length}-byte file";
    if (failure is null) continue;
    failures++;
    string saved = Path.Combine(crashes, $"{target.Name}-{failures}.bin");
    File.WriteAllBytes(saved, bytes);
    Console.WriteLine($"crash {failures}: {failure} -> {saved}");
}
File.Delete(scratch);
Console.WriteLine($"{target.Name}: {mutants} mutants in {clock.Elapsed.TotalSeconds:F0} s: {accepted} accepted, "
    + $"{refused} refused, " +
    $"{failures} crashes; largest allocation {worstRatio} bytes per input byte");
return failures == 0 ? 0 : 1;
