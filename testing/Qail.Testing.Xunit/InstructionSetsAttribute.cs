using System.Reflection;
using Qail.Kernels.Cpu;
using Xunit.Sdk;

namespace Qail.Testing;

/// <summary>
/// Theory data: one row per instruction-set cap this machine supports (<see cref="InstructionSetAssert.Available"/>),
/// the <see cref="InstructionSet"/> as the test's single argument. Run the kernel under it with
/// <see cref="KernelDispatch.With"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class InstructionSetsAttribute : DataAttribute
{
    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        InstructionSetAssert.Available.Select(isa => new object[] { isa });
}
