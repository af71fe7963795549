namespace Qail.Testing;

/// <summary>
/// Makes random cases of <typeparamref name="T"/> from a <see cref="CaseRandom"/>, proposes simpler cases for shrinking
/// (smallest first), and describes a case for failure messages. Framework-independent; the FsCheck adapter turns one
/// into an <c>Arbitrary</c>.
/// </summary>
public sealed class Generator<T>
{
    private readonly Func<CaseRandom, T> _generate;
    private readonly Func<T, IEnumerable<T>> _shrink;
    private readonly Func<T, string> _describe;

    /// <summary>A generator from its three parts; without a shrinker cases are reported as generated.</summary>
    public Generator(Func<CaseRandom, T> generate, Func<T, IEnumerable<T>>? shrink = null, Func<T,
        string>? describe = null)
    {
        _generate = generate ?? throw new ArgumentNullException(nameof(generate));
        _shrink = shrink ?? (_ => []);
        _describe = describe ?? (v => v?.ToString() ?? "null");
    }

    /// <summary>One case drawn from <paramref name="random"/>.</summary>
    public T Generate(CaseRandom random) => _generate(random ?? throw new ArgumentNullException(nameof(random)));

    /// <summary>The case of seed <paramref name="seed"/> (what a replay seed names).</summary>
    public T Generate(ulong seed) => _generate(new CaseRandom(seed));

    /// <summary>Simpler variants of <paramref name="value"/>, the most aggressive simplifications first.</summary>
    public IEnumerable<T> Shrink(T value) => _shrink(value);

    /// <summary>A readable description of <paramref name="value"/> (shape, dtype, values).</summary>
    public string Describe(T value) => _describe(value);

    /// <summary>
    /// Keeps only cases (and shrinks) that satisfy <paramref name="predicate"/>; retries generation up to 100 times.
    /// </summary>
    public Generator<T> Where(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new Generator<T>(r =>
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                var v = Generate(r);
                if (predicate(v)) return v;
            }
            throw new InvalidOperationException(
                "Generator.Where: 100 cases in a row were rejected; the predicate is too strict.");
        }, v => Shrink(v).Where(predicate), Describe);
    }
}
