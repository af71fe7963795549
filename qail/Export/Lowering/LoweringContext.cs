using Qail.Engine;
using Qail.Nn;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>The graph being built while a network lowers, and what its modules' lowerings share.</summary>
internal sealed class LoweringContext
{
    /// <summary>The deployed graph the lowerings append ops to.</summary>
    public PolicyGraph Graph { get; } = new();

    /// <summary>The key mask attention lowers with; null until the family has built its sequence.</summary>
    public KeyMask? Mask { get; set; }

    /// <summary>Lowers <paramref name="module"/> (at <paramref name="path"/>) through its registered
    /// lowering.</summary>
    public LoweredValue Lower(Module module, string path, LoweredValue input) =>
        ModuleLowerings.Lower(this, module, path, input);

    /// <summary>Appends an op of one input that keeps the value's shape (activation, normalisation,
    /// residual).</summary>
    public LoweredValue Apply(RuntimeOp op, LoweredValue input) => input with { Slot = Graph.Add(op, input.Slot) };

    /// <summary>The sum of a branch and its shortcut, which must hold values of the same shape.</summary>
    public LoweredValue Add(string path, LoweredValue branch, LoweredValue shortcut)
    {
        if (branch.Rows != shortcut.Rows || branch.Width != shortcut.Width || branch.Map != shortcut.Map)
            throw new ArgumentException($"Export: '{path}' adds a {Describe(branch)} branch to a " +
                $"{Describe(shortcut)} shortcut.");
        return branch with { Slot = Graph.Add(new ResidualAdd(branch.Size), branch.Slot, shortcut.Slot) };
    }

    /// <summary>A tensor's values as fp32, in row-major order.</summary>
    public static float[] Floats(Tensor tensor) => tensor.Cast(DType.Float32).Contiguous().ToArray<float>();

    /// <summary>A module's own parameter, or null when it has none of that name.</summary>
    public static Tensor? Parameter(Module module, string name) =>
        module.NamedParameters().Where(p => p.Key == name).Select(p => p.Value.Value).FirstOrDefault();

    /// <summary>A network's own (top-level) buffers as fp32 arrays.</summary>
    public static Dictionary<string, float[]> Buffers(Module network) =>
        network.NamedBuffers().Where(b => !b.Key.Contains('.')).ToDictionary(b => b.Key, b => Floats(b.Value));

    /// <summary>The child at <paramref name="path"/> as the type a lowering expects, or an error naming both.</summary>
    public static T Child<T>(Module parent, string path, string where) where T : Module =>
        parent.FindModule(path) as T ?? throw new ArgumentException(
            $"Export: '{where}' is a {parent.FindModule(path).GetType().Name}, not a {typeof(T).Name}.");

    private static string Describe(LoweredValue v) => v.Map is { } m
        ? $"[{m.Channels}, {m.Height}, {m.Width}] {(m.ChannelsLast ? "HWC" : "CHW")}"
        : $"[{v.Rows}, {v.Width}]";
}
