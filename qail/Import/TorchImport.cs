using Qail.Engine;
using Qail.Policies;

namespace Qail.Import;

/// <summary>
/// Loads a PyTorch-trained policy's weights into one of our networks (MLP, CILRS, VLA) built with the same widths.
/// Every parameter must be present with its exact shape; the normalisation and action-scaling buffers may be absent
/// (they keep the values the network was built with, from the env, and the report lists them). Nothing is copied
/// unless every tensor checks out; the error names each missing, mis-shaped or unknown tensor.
/// </summary>
public static class TorchImport
{
    /// <summary>
    /// Reads <paramref name="path"/> (safetensors; F32, F64, F16 or BF16) into <paramref name="network"/>.
    /// </summary>
    public static ImportReport Load(PolicyNetwork network, string path)
    {
        var (floats, integers) = TorchStateDict.Load(path);
        return Load(network, floats, integers, path);
    }

    /// <summary>Loads an already-read state dict; <paramref name="source"/> names it in errors.</summary>
    public static ImportReport Load(PolicyNetwork network, IReadOnlyDictionary<string, TorchTensor> state,
        IReadOnlyList<string> integerTensors, string source)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(integerTensors);
        var ours = TorchNames.Map(state, source);
        var parameters = network.NamedParameters().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var targets = network.StateDict();
        var problems = new List<string>();
        var defaulted = new List<string>();
        foreach (var (name, target) in targets)
        {
            if (!ours.TryGetValue(name, out var source1))
            {
                if (parameters.Contains(name)) problems.Add($"missing {name} {Shapes.Format(target.ShapeSpan)}");
                else defaulted.Add(name);
                continue;
            }
            if (!Shapes.Equal(source1.Shape, target.ShapeSpan))
                problems.Add($"{source1.Name} has shape {Shapes.Format(source1.Shape)}, " +
                    $"{name} needs {Shapes.Format(target.ShapeSpan)}");
        }
        var known = targets.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(ours.Where(t => !known.Contains(t.Key))
            .Select(t => $"unexpected {t.Value.Name} (as {t.Key})"));
        var ignored = integerTensors.Where(n => n.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        problems.AddRange(integerTensors.Except(ignored).Select(n => $"unexpected integer tensor {n}"));
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"{source}: does not fit the {network.GetType().Name}: {string.Join("; ", problems)}.");
        foreach (var (name, target) in targets)
            if (ours.TryGetValue(name, out var tensor))
                Tensor.From<float>(tensor.Values, tensor.Shape).CopyTo(target);
        return new ImportReport(targets.Count - defaulted.Count, defaulted, ignored,
            ours.Values.Select(t => t.DType).Distinct().Order(StringComparer.Ordinal).ToList());
    }
}
