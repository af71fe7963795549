using Qail.Engine;
using Qail.Engine.Serialization;

namespace Qail.Nn.Checkpoints;

/// <summary>
/// Copies named tensors into a module's state after validating all of them, so a failure changes nothing.
/// </summary>
internal static class StateLoader
{
    public static LoadResult Load(Module module, IReadOnlyDictionary<string, Tensor> state, bool strict)
    {
        ArgumentNullException.ThrowIfNull(state);
        var targets = module.StateDict();
        var targetNames = targets.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        var missing = targets.Where(t => !state.ContainsKey(t.Key)).Select(t => t.Key).ToList();
        var unexpected = state.Keys.Where(k => !targetNames.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (strict && missing.Count > 0)
            throw new CheckpointException(CheckpointProblem.MissingKeys, null,
                $"the module's {string.Join(", ", missing)} are missing from the checkpoint.");
        if (strict && unexpected.Count > 0)
            throw new CheckpointException(CheckpointProblem.UnexpectedKeys, null,
                $"the checkpoint's {string.Join(", ", unexpected)} do not exist in the module.");
        foreach (var (name, target) in targets)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            if (source.DType != target.DType)
                throw new CheckpointException(CheckpointProblem.DTypeMismatch, name,
                    $"the checkpoint holds {source.DType.Name()}, the module {target.DType.Name()}.");
            if (!Shapes.Equal(source.ShapeSpan, target.ShapeSpan))
                throw new CheckpointException(CheckpointProblem.ShapeMismatch, name,
                    $"the checkpoint's shape {Shapes.Format(source.ShapeSpan)} differs from the module's "
                    + $"{Shapes.Format(target.ShapeSpan)}.");
            CheckFinite(name, source);
        }
        foreach (var (name, target) in targets)
            if (state.TryGetValue(name, out var source)) source.CopyTo(target);
        return new LoadResult(missing, unexpected);
    }

    /// <summary>
    /// Throws <see cref="CheckpointProblem.NonFinite"/> naming the first NaN or infinite element of a float tensor.
    /// </summary>
    public static void CheckFinite(string name, Tensor tensor)
    {
        if (tensor.DType == DType.Float32)
        {
            var values = tensor.ToArray<float>();
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i])) throw NonFinite(name, i, values[i]);
        }
        else if (tensor.DType == DType.Float64)
        {
            var values = tensor.ToArray<double>();
            for (int i = 0; i < values.Length; i++)
                if (!double.IsFinite(values[i])) throw NonFinite(name, i, values[i]);
        }
    }

    private static CheckpointException NonFinite(string name, int index, double value) =>
        new(CheckpointProblem.NonFinite, name, $"element {index} = {value} is not finite.");
}
