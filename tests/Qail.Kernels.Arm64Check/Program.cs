using Qail.Kernels.Arm64Check;
using Qail.Kernels.Cpu;

// Runs every kernel check on every instruction-set cap this CPU supports (on ARM64: Scalar, Vector128,
// AdvSimd at the Native rank, the dot-product extension at the NativeExtended rank) for a fixed list of seeds.
// The checks are CheckList.All, or those named on the command line (to check one kernel under a slow emulator).
// Prints one line per check and "N passed, M failed"; exits 1 on any failure.
const int SeedsPerCheck = 100;
Console.WriteLine($"Qail kernel checks on {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}: "
    + $"{KernelDispatch.Describe()}");
int passed = 0, failed = 0;
foreach (var isa in Enum.GetValues<InstructionSet>().Where(isa => isa <= KernelDispatch.Detected))
{
    foreach (var (name, check) in CheckList.All.Where(c => args.Length == 0 || args.Contains(c.Name)))
    {
        string? failure = null;
        for (var seed = 1; seed <= SeedsPerCheck && failure is null; seed++)
        {
            try { failure = check(new Random(seed), isa); }
            catch (Exception e) { failure = $"{e.GetType().Name}: {e.Message}"; }
            if (failure is not null) failure = $"seed {seed}: {failure}";
        }
        var path = "";
        KernelDispatch.With(isa, () => path = KernelDispatch.Describe());
        if (failure is null) { passed++; Console.WriteLine($"PASS {name} [{path}] ({SeedsPerCheck} seeds)"); }
        else { failed++; Console.WriteLine($"FAIL {name} [{path}] {failure}"); }
    }
}
Console.WriteLine($"{passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;
