using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>Joins several vectors end to end (e.g. image features and the speed embedding).</summary>
internal sealed class Concat : RuntimeOp
{
    public const string Name = "concat";
    private readonly int[] _sizes;

    public Concat(int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length is < 2 or > RuntimeLimits.MaxSources)
            throw new ArgumentException($"Concat: {sizes.Length} inputs; expected 2..{RuntimeLimits.MaxSources}.",
                nameof(sizes));
        if (sizes.Any(s => s < 1) || sizes.Sum(s => (long)s) > RuntimeLimits.MaxValues)
            throw new ArgumentException($"Concat: input sizes [{string.Join(", ", sizes)}] must be positive and total "
                + $"at most {RuntimeLimits.MaxValues}.", nameof(sizes));
        _sizes = (int[])sizes.Clone();
        OutputSize = _sizes.Sum();
    }

    public override string Kind => Name;
    public override IReadOnlyList<int> InputSizes => _sizes;
    public override int OutputSize { get; }
    public override long ParameterBytes => 0;

    public override void Run(OpInputs inputs, Span<float> output)
    {
        int offset = 0;
        for (int i = 0; i < _sizes.Length; i++)
        {
            inputs[i].CopyTo(output.Slice(offset));
            offset += _sizes[i];
        }
    }

    public override void Lower(GpuBuilder gpu)
    {
        int offset = 0;
        for (int i = 0; i < _sizes.Length; i++)
        {
            gpu.Launch("pol_copy", _sizes[i], GpuArgument.Values, gpu.Input(i), gpu.Output + offset, _sizes[i]);
            offset += _sizes[i];
        }
    }

    public override string Describe() => $"concat [{string.Join(" + ", _sizes)}] -> [{OutputSize}]";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("count", _sizes.Length);
        for (int i = 0; i < _sizes.Length; i++) writer.Attribute($"size_{i}", _sizes[i]);
    }

    public static Concat Read(OpReader reader)
    {
        int count = reader.Int("count", 2, RuntimeLimits.MaxSources);
        var sizes = new int[count];
        for (int i = 0; i < count; i++) sizes[i] = reader.Int($"size_{i}", 1, RuntimeLimits.MaxValues);
        return new Concat(sizes);
    }
}
