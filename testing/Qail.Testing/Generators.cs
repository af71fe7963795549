using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// Shrinking generators for shapes, tensors of every dtype and layout, broadcasting pairs, integers and choices.
/// Sizes are kept small (at most <c>maxElements</c> elements) so that a property runs many cases quickly.
/// </summary>
public static class Generators
{
    /// <summary>An integer in [min, max], shrinking towards the value nearest zero.</summary>
    public static Generator<int> Int(int min, int max)
    {
        if (max < min) throw new ArgumentException($"Generators.Int: max {max} is below min {min}.", nameof(max));
        int target = Math.Clamp(0, min, max);
        return new Generator<int>(r => r.Next(min, max), v => ShrinkInt(v, target));
    }

    /// <summary>One of <paramref name="items"/>, shrinking towards the earlier ones.</summary>
    public static Generator<T> Elements<T>(params T[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Length == 0) throw new ArgumentException("Generators.Elements: no items.", nameof(items));
        return new Generator<T>(r => r.Pick(items), v => items.TakeWhile(i => !EqualityComparer<T>.Default.Equals(i,
            v)));
    }

    /// <summary>One dimension size in [0, maxDim], with 1 and small sizes common and 0 occasional.</summary>
    public static int Dim(CaseRandom random, int maxDim = 5, bool allowZero = true)
    {
        ArgumentNullException.ThrowIfNull(random);
        double p = random.NextDouble();
        if (allowZero && p < 1.0 / 12) return 0;
        return p < 4.0 / 12 ? 1 : random.Next(1, Math.Max(1, maxDim));
    }

    /// <summary>Shapes of rank minRank..maxRank whose element count stays within maxElements.</summary>
    public static Generator<int[]> Shape(int minRank = 0, int maxRank = 4, int maxDim = 5, long maxElements = 256,
        bool allowZero = true) =>
        new(r => RandomShape(r, minRank, maxRank, maxDim, maxElements, allowZero),
            s => TensorShrinker.Shrink(TensorCase.Contiguous(s, DType.Float64, new double[Shapes.ElementCount(s)]),
                ValueRange.Default, minRank: minRank).Select(c => c.Shape).Where(c => c.Length != s.Length
                    || !c.SequenceEqual(s)),
            s => Shapes.Format(s));

    /// <summary>
    /// A tensor of random shape, the given dtype, values from <paramref name="range"/> and one of the allowed layouts.
    /// </summary>
    public static Generator<TensorCase> Tensor(DType dtype, ValueRange? range = null, Layouts layouts = Layouts.Any,
        int minRank = 0, int maxRank = 4, int maxDim = 5, long maxElements = 256, bool allowZero = true)
    {
        var r = Checked(range);
        return new Generator<TensorCase>(
            random => RandomTensor(random, RandomShape(random, minRank, maxRank, maxDim, maxElements, allowZero),
                dtype, r, layouts),
            c => TensorShrinker.Shrink(c, r, minRank: minRank), c => c.ToString());
    }

    /// <summary>A tensor of exactly <paramref name="shape"/> (shrinking simplifies values and layout only).</summary>
    public static Generator<TensorCase> Tensor(int[] shape, DType dtype, ValueRange? range = null,
        Layouts layouts = Layouts.Any)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var r = Checked(range);
        int[] fixedShape = (int[])shape.Clone();
        return new Generator<TensorCase>(random => RandomTensor(random, fixedShape, dtype, r, layouts),
            c => TensorShrinker.Shrink(c, r, fixedShape: true), c => c.ToString());
    }

    /// <summary>
    /// Two tensors whose shapes broadcast together (NumPy rules: dropped leading dims and size-1 dims on either side),
    /// each in its own layout; shrinking keeps the pair broadcastable.
    /// </summary>
    public static Generator<(TensorCase A, TensorCase B)> BroadcastPair(DType dtype, ValueRange? range = null,
        Layouts layouts = Layouts.Any,
        int maxRank = 4, int maxDim = 5, long maxElements = 256, bool allowZero = true)
    {
        var r = Checked(range);
        return new Generator<(TensorCase, TensorCase)>(random =>
        {
            var full = RandomShape(random, 0, maxRank, maxDim, maxElements, allowZero);
            return (RandomTensor(random, BroadcastSource(random, full), dtype, r, layouts),
                    RandomTensor(random, BroadcastSource(random, full), dtype, r, layouts));
        }, p => TensorShrinker.Shrink(p.Item1, r).Select(a => (a, p.Item2))
                .Concat(TensorShrinker.Shrink(p.Item2, r).Select(b => (p.Item1, b)))
                .Where(q => Broadcastable(q.Item1.Shape, q.Item2.Shape)),
           p => $"A = {p.Item1}; B = {p.Item2}");
    }

    /// <summary>Pairs of independent cases; shrinks the first, then the second.</summary>
    public static Generator<(T1 First, T2 Second)> Zip<T1, T2>(Generator<T1> first, Generator<T2> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new Generator<(T1, T2)>(r => (first.Generate(r), second.Generate(r)),
            p => first.Shrink(p.Item1).Select(a => (a, p.Item2)).Concat(second.Shrink(p.Item2).Select(b => (p.Item1,
                b))),
            p => $"({first.Describe(p.Item1)}, {second.Describe(p.Item2)})");
    }

    /// <summary>A shape that broadcasts to <paramref name="full"/>: a suffix of it with some dims set to 1.</summary>
    public static int[] BroadcastSource(CaseRandom random, int[] full)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(full);
        int drop = random.Next(0, full.Length);
        return full.Skip(drop).Select(d => random.Chance(0.25) ? 1 : d).ToArray();
    }

    /// <summary>True when the two shapes broadcast together.</summary>
    public static bool Broadcastable(int[] a, int[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
            if (a[^i] != b[^i] && a[^i] != 1 && b[^i] != 1) return false;
        return true;
    }

    /// <summary>
    /// A random case of <paramref name="shape"/> in one of <paramref name="layouts"/> (packed int4: contiguous only).
    /// </summary>
    public static TensorCase RandomTensor(CaseRandom random, int[] shape, DType dtype, ValueRange range,
        Layouts layouts)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(range);
        var kinds = new[] { Layouts.Contiguous, Layouts.Permuted, Layouts.Sliced, Layouts.Expanded }.Where(l
            => layouts.HasFlag(l)).ToArray();
        if (kinds.Length == 0) throw new ArgumentException($"Generators: no layout selected in {layouts}.",
            nameof(layouts));
        var kind = dtype == DType.Int4Packed ? Layouts.Contiguous : random.Pick(kinds);
        double[] Draw(long n) => Enumerable.Range(0, (int)n).Select(_ => ValueSampler.Next(random, dtype,
            range)).ToArray();
        switch (kind)
        {
            case Layouts.Permuted:
                var order = Enumerable.Range(0, shape.Length).ToArray();
                for (int i = order.Length - 1; i > 0; i--)
                {
                    int j = random.Next(0, i);
                    (order[i], order[j]) = (order[j], order[i]);
                }
                return new TensorCase(shape, dtype, kind, Draw(Shapes.ElementCount(shape)), Order: order);
            case Layouts.Sliced:
                var starts = shape.Select(_ => random.Next(0, 1)).ToArray();
                return new TensorCase(shape, dtype, kind, Draw(Shapes.ElementCount(shape)), Starts: starts);
            case Layouts.Expanded:
                var source = BroadcastSource(random, shape);
                return new TensorCase(shape, dtype, kind, Draw(Shapes.ElementCount(source)), Source: source);
            default:
                return TensorCase.Contiguous(shape, dtype, Draw(Shapes.ElementCount(shape)));
        }
    }

    private static int[] RandomShape(CaseRandom random, int minRank, int maxRank, int maxDim, long maxElements,
        bool allowZero)
    {
        if (minRank < 0 || maxRank < minRank)
            throw new ArgumentException($"Generators: rank range [{minRank}, {maxRank}] is empty.");
        var dims = Enumerable.Range(0, random.Next(minRank, maxRank)).Select(_ => Dim(random, maxDim,
            allowZero)).ToArray();
        // Halve the largest dim until the count fits, keeping ranks and zero dims intact.
        while (Shapes.ElementCount(dims) > maxElements)
        {
            int i = Array.IndexOf(dims, dims.Max());
            dims[i] = Math.Max(1, dims[i] / 2);
        }
        return dims;
    }

    private static ValueRange Checked(ValueRange? range)
    {
        var r = range ?? ValueRange.Default;
        r.Validate();
        return r;
    }

    // The target, then values ever closer to the original (original - d for d = distance/2, /4, ..., 1).
    private static IEnumerable<int> ShrinkInt(int value, int target)
    {
        if (value == target) yield break;
        yield return target;
        for (long d = ((long)value - target) / 2; d != 0; d /= 2) yield return (int)(value - d);
    }
}
