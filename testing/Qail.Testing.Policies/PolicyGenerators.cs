using System.Globalization;
using Qail.Envs;
using Qail.Policies;
using Qail.Quantization;

namespace Qail.Testing.Policies;

/// <summary>
/// Shrinking generators for observations of an env spec, small random policies of each family, and quantization
/// configs.
/// </summary>
public static class PolicyGenerators
{
    /// <summary>The configs <see cref="QuantConfigs"/> draws from, simplest (8-bit weight-only) first.</summary>
    public static IReadOnlyList<string> QuantConfigNames { get; } = ["W8", "W6", "W5", "W4", "W3", "W4g32", "W4g16",
        "W4g8", "W8A8", "W4A4"];

    /// <summary>
    /// Observations that fit <paramref name="spec"/>: state entries uniform in [-stateScale, stateScale], random image
    /// bytes, instructions of 1..Length non-zero tokens then padding, a random command. Shrinks states towards 0,
    /// images towards black, instructions towards one token 1, the command towards 0.
    /// </summary>
    public static Generator<Observation> Observation(EnvSpec spec, double stateScale = 3)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(stateScale > 0)) throw new ArgumentOutOfRangeException(nameof(stateScale), stateScale,
            "must be positive.");
        var range = new ValueRange(-stateScale, stateScale);
        return new Generator<Observation>(r => new Observation(
                spec.StateSize > 0 ? Enumerable.Range(0, spec.StateSize).Select(_ => (float)range.Sample(r,
                    Engine.DType.Float32)).ToArray() : null,
                spec.Image is { } img ? Enumerable.Range(0, img.Height * img.Width * img.Channels).Select(_
                    => (byte)r.Next(0, 255)).ToArray() : null,
                spec.Instruction is { } ins ? Instruction(r, ins) : null,
                spec.CommandCount > 0 ? r.Next(0, spec.CommandCount - 1) : null),
            o => ShrinkObservation(o, range), Describe);
    }

    /// <summary>
    /// State vectors of <paramref name="size"/> entries uniform in [-scale, scale] (the input of an exported
    /// state-only policy), shrinking towards zeros and simple values.
    /// </summary>
    public static Generator<float[]> State(int size, double scale = 3)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "a state has at least one entry.");
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "must be positive.");
        var range = new ValueRange(-scale, scale);
        return new Generator<float[]>(r => [.. Enumerable.Range(0, size).Select(_ =>
                (float)range.Sample(r, Engine.DType.Float32))],
            s => ShrinkObservation(new Observation(s, null, null, null), range).Select(o => o.State!),
            s => Describe(new Observation(s, null, null, null)));
    }

    /// <summary>A small random network of <paramref name="family"/> (default: the family the spec calls for).</summary>
    public static Generator<NetworkCase> Network(EnvSpec spec, string? family = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string f = family ?? PolicyFactory.FamilyFor(spec);
        if (!PolicyFactory.Families.Contains(f))
            throw new ArgumentException(
                $"Unknown policy family '{f}' (known: {string.Join(", ", PolicyFactory.Families)}).", nameof(family));
        int[] widths = f == "mlp" ? [8, 16, 32] : [2, 4];
        return new Generator<NetworkCase>(r => new NetworkCase(f, spec, r.Pick(widths), r.Next(1, 2), r.Next(0,
            1_000_000)),
            c => ShrinkNetwork(c, widths[0]));
    }

    /// <summary>
    /// One of the named configs (default: all of <see cref="QuantConfigNames"/>), shrinking towards the first.
    /// </summary>
    public static Generator<string> QuantConfigs(params string[] names)
    {
        var chosen = names is { Length: > 0 } ? names : [.. QuantConfigNames];
        foreach (var n in chosen) _ = Config(n);
        return Generators.Elements(chosen);
    }

    /// <summary>
    /// The config a name from <see cref="QuantConfigNames"/> stands for ("W4g32": 4-bit groups of 32; "W5": 5-bit per
    /// channel).
    /// </summary>
    public static QuantConfig Config(string name) => name switch
    {
        "W8A8" => QuantConfig.W8A8(),
        "W4A4" => QuantConfig.W4A4(),
        _ when name.StartsWith("W4g", StringComparison.Ordinal) && int.TryParse(name[3..], out int group)
            => QuantConfig.W4(group),
        _ when name.Length == 2 && name[0] == 'W' && name[1] is >= '2' and <= '8'
            => QuantConfig.WeightOnly(name[1] - '0'),
        _ => throw new ArgumentException(
            $"Unknown quantization config '{name}' (known: {string.Join(", ", QuantConfigNames)}).", nameof(name)),
    };

    private static int[] Instruction(CaseRandom r, InstructionSpec spec)
    {
        var tokens = new int[spec.Length];
        int used = r.Next(1, spec.Length);
        for (int i = 0; i < used; i++) tokens[i] = r.Next(1, spec.VocabularySize - 1);
        return tokens;
    }

    private static IEnumerable<Observation> ShrinkObservation(Observation o, ValueRange range)
    {
        if (o.Command is > 0) yield return o with { Command = 0 };
        if (o.Instruction is { } ins && ins.Count(t => t != 0) > 1)
            yield return o with { Instruction = ins.Select((t, i) => i == 0 ? 1 : 0).ToArray() };
        if (o.Image is { } img && img.Any(b => b != 0)) yield return o with { Image = new byte[img.Length] };
        if (o.State is { } state)
            foreach (var c in TensorShrinker.Shrink(TensorCase.Contiguous([state.Length], Engine.DType.Float32,
                state.Select(v => (double)v).ToArray()),
                         range, fixedShape: true))
                yield return o with { State = c.Values.Select(v => (float)v).ToArray() };
    }

    private static IEnumerable<NetworkCase> ShrinkNetwork(NetworkCase c, int smallest)
    {
        if (c.Width > smallest) yield return c with { Width = smallest };
        if (c.Depth > 1) yield return c with { Depth = 1 };
        if (c.Seed != 0) yield return c with { Seed = 0 };
    }

    private static string Describe(Observation o)
    {
        var parts = new List<string>();
        if (o.State is { } s)
            parts.Add($"state [{string.Join(", ", s.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]");
        if (o.Image is { } img) parts.Add($"image of {img.Length} bytes ({img.Count(b => b != 0)} non-zero)");
        if (o.Instruction is { } ins) parts.Add($"instruction [{string.Join(", ", ins)}]");
        if (o.Command is { } cmd) parts.Add($"command {cmd}");
        return string.Join("; ", parts);
    }
}
