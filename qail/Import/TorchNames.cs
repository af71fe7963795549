namespace Qail.Import;

/// <summary>
/// PyTorch state-dict names to ours. Our layers keep PyTorch's layouts (Linear [out, in], Conv2d [out, in, k, k],
/// BatchNorm2d / LayerNorm / Embedding weights), so most names pass through; the differences are rewritten here:
/// a DataParallel "module." prefix is dropped, nn.MultiheadAttention's packed in_proj_weight / in_proj_bias split
/// into our query / key / value, and its out_proj becomes our output.
/// </summary>
public static class TorchNames
{
    /// <summary>The state dict under our names; a packed projection whose rows do not split in three throws.</summary>
    public static Dictionary<string, TorchTensor> Map(IReadOnlyDictionary<string, TorchTensor> torch, string source)
    {
        ArgumentNullException.ThrowIfNull(torch);
        var ours = new Dictionary<string, TorchTensor>(StringComparer.Ordinal);
        foreach (var (torchName, tensor) in torch)
        {
            var name = torchName.StartsWith("module.", StringComparison.Ordinal)
                ? torchName["module.".Length..]
                : torchName;
            name = name.Replace(".out_proj.", ".output.", StringComparison.Ordinal);
            if (name.EndsWith(".in_proj_weight", StringComparison.Ordinal)
                || name.EndsWith(".in_proj_bias", StringComparison.Ordinal))
            {
                var prefix = name[..name.LastIndexOf('.')];
                var suffix = name.EndsWith("weight", StringComparison.Ordinal) ? "weight" : "bias";
                if (tensor.Shape.Length == 0 || tensor.Shape[0] % 3 != 0)
                    throw new InvalidDataException(
                        $"{source}: '{torchName}' has shape [{string.Join(", ", tensor.Shape)}]; " +
                        "a packed q/k/v projection needs a first dimension divisible by 3.");
                var part = tensor.Values.Length / 3;
                var shape = (int[])tensor.Shape.Clone();
                shape[0] /= 3;
                string[] roles = ["query", "key", "value"];
                for (int r = 0; r < 3; r++)
                    Add(ours, $"{prefix}.{roles[r]}.{suffix}", tensor with
                    {
                        Name = torchName, Shape = shape, Values = tensor.Values.AsSpan(r * part, part).ToArray(),
                    }, source);
                continue;
            }
            Add(ours, name, tensor, source);
        }
        return ours;
    }

    private static void Add(Dictionary<string, TorchTensor> ours, string name, TorchTensor tensor, string source)
    {
        if (!ours.TryAdd(name, tensor))
            throw new InvalidDataException($"{source}: '{tensor.Name}' and another tensor both map to '{name}'.");
    }
}
