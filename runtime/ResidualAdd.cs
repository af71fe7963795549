using System.Numerics.Tensors;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>Element-wise sum of two equal-length values: a residual block's branch plus its shortcut.</summary>
internal sealed class ResidualAdd : RuntimeOp
{
    public const string Name = "add";
    private readonly int _size;

    public ResidualAdd(int size)
    {
        if (size is < 1 or > RuntimeLimits.MaxValues)
            throw new ArgumentException($"ResidualAdd: size {size} lies outside 1..{RuntimeLimits.MaxValues}.",
                nameof(size));
        _size = size;
    }

    public override string Kind => Name;
    public override IReadOnlyList<int> InputSizes => [_size, _size];
    public override int OutputSize => _size;
    public override long ParameterBytes => 0;

    public override void Run(OpInputs inputs, Span<float> output) => TensorPrimitives.Add(inputs[0], inputs[1], output);

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_add", _size, GpuArgument.Values, gpu.Input(0), gpu.Input(1), gpu.Output, _size);

    public override string Describe() => $"add [{_size}]";

    public override void Write(OpWriter writer) => writer.Attribute("size", _size);

    public static ResidualAdd Read(OpReader reader) => new(reader.Int("size", 1, RuntimeLimits.MaxValues));
}
