namespace Qail.Runtime;

/// <summary>
/// One kind of runtime op as the registry declares it: its name in the policy file, the reader that builds it from the
/// file (checking every attribute and tensor), whether the device executor reproduces its CPU bits, and one line for
/// the docs. The op's class holds the rest: its CPU run, its writer and its device lowering.
/// </summary>
/// <param name="Name">The op's "kind" in the policy file.</param>
/// <param name="Read">Builds the op from its JSON attributes and tensors.</param>
/// <param name="DeviceExact">True when the device kernels give the CPU runtime's bits (else float rounding differs).</param>
/// <param name="Summary">What the op computes, for the docs.</param>
internal sealed record RuntimeOpKind(string Name, Func<OpReader, RuntimeOp> Read, bool DeviceExact, string Summary);
