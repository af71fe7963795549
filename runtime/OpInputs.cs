namespace Qail.Runtime;

/// <summary>The input vectors of one node: views of the graph's value slots it reads, in the op's order.</summary>
internal readonly ref struct OpInputs(float[][] slots, int[] sources)
{
    public int Count => sources.Length;

    public ReadOnlySpan<float> this[int index] => slots[sources[index]];
}
