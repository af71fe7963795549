namespace Qail.Kernels.Cpu.Tests.Int8;

/// <summary>Instruction-set caps the quantized-kernel tests force in turn, and the seeded data they draw.</summary>
internal static class QuantizedPaths
{
    /// <summary>Every path this machine can run, scalar first.</summary>
    public static InstructionSet[] Available { get; } =
        Enum.GetValues<InstructionSet>().Where(isa => isa <= KernelDispatch.Detected).ToArray();

    /// <summary>Runs <paramref name="compute"/> under each available cap and returns its results.</summary>
    public static (InstructionSet Isa, T Result)[] OnEveryPath<T>(Func<T> compute) =>
        Available.Select(isa =>
        {
            T result = default!;
            KernelDispatch.With(isa, () => result = compute());
            return (isa, result);
        }).ToArray();

    /// <summary>Asserts two int arrays are identical, naming the path and the first differing index.</summary>
    public static void AssertSame<T>(T[] expected, T[] actual, string what) where T : IEquatable<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            if (!expected[i].Equals(actual[i]))
                Assert.Fail($"{what}: index {i} expected {expected[i]} got {actual[i]}");
    }

    public static sbyte[] Weights(Random r, int count) =>
        Enumerable.Range(0, count).Select(_ => (sbyte)r.Next(-127, 128)).ToArray();
    public static byte[] Bytes(Random r, int count) =>
        Enumerable.Range(0, count).Select(_ => (byte)r.Next(256)).ToArray();
    public static sbyte[] SBytes(Random r, int count) =>
        Enumerable.Range(0, count).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
    public static float[] Floats(Random r, int count, float range = 2f) =>
        Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1) * range).ToArray();
}
