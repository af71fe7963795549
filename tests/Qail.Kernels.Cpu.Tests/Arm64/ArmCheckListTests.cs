using Qail.Kernels.Arm64Check;

namespace Qail.Kernels.Cpu.Tests.Arm64;

/// <summary>
/// The checks the ARM64 run takes (tests/Qail.Kernels.Arm64Check/CheckList.cs) on every path this machine has, so a
/// kernel added to that list is checked on x64 by the ordinary test run before it reaches qemu.
/// </summary>
public class ArmCheckListTests
{
    private const int Seeds = 20;

    public static TheoryData<string> Checks() => [.. CheckList.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Checks))]
    public void PassesOnEveryAvailablePath(string name)
    {
        var check = CheckList.All.Single(c => c.Name == name);
        foreach (var isa in Enum.GetValues<InstructionSet>().Where(isa => isa <= KernelDispatch.Detected))
            for (int seed = 1; seed <= Seeds; seed++)
            {
                string? failure = check.Run(new Random(seed), isa);
                Assert.True(failure is null, $"{name} on {isa}, seed {seed}: {failure}");
            }
    }
}
