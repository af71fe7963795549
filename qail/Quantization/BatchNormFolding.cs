using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// Folds each convolution's following batch norm (its evaluation-mode running statistics) into the convolution's
/// weight and bias, in a copy of the model, so quantizers see the weights as they are deployed. Folded: a
/// <see cref="Conv2d"/> directly followed by a <see cref="BatchNorm2d"/> in a <see cref="Sequential"/> (the norm is
/// removed from the chain) and every <see cref="ResNetBasicBlock"/> (replaced by a <see cref="FoldedBasicBlock"/>).
/// </summary>
public static class BatchNormFolding
{
    /// <summary>
    /// A folded deep copy of <paramref name="network"/>; in evaluation mode it computes what the original does.
    /// </summary>
    public static T Fold<T>(T network) where T : PolicyNetwork => (T)Fold((Module)network);

    /// <summary>
    /// A folded deep copy of <paramref name="model"/> (the copy itself when the model holds no foldable batch norm).
    /// Throws when a convolution to fold already carries a quantizer: fold before quantizing.
    /// </summary>
    public static Module Fold(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var copy = model.DeepCopy();
        var root = Folded(copy, "") ?? copy;
        FoldBelow(root, root, "");
        return root;
    }

    /// <summary>
    /// The path of the first batch norm left in <paramref name="model"/> (alone or in an unfolded block), or null when
    /// none is.
    /// </summary>
    public static string? UnfoldedPath(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NamedModules().FirstOrDefault(m => m.Value is BatchNorm2d or ResNetBasicBlock).Key;
    }

    // Replaces foldable children top-down, then descends into what is kept (a folded chain may hold blocks).
    private static void FoldBelow(Module root, Module module, string path)
    {
        foreach (var (name, child) in module.Children().ToList())
        {
            string childPath = Join(path, name);
            var kept = child;
            if (Folded(child, childPath) is Module replacement)
            {
                root.ReplaceModule(childPath, replacement);
                kept = replacement;
            }
            FoldBelow(root, kept, childPath);
        }
    }

    private static Module? Folded(Module module, string path) => module switch
    {
        ResNetBasicBlock block => Block(block, path),
        Sequential chain => Chain(chain, path),
        _ => null,
    };

    private static FoldedBasicBlock Block(ResNetBasicBlock block, string path)
    {
        var conv1 = Pair(block, "conv1", "bn1", path);
        var conv2 = Pair(block, "conv2", "bn2", path);
        Conv2d? shortcut = null;
        if (block.Children().FirstOrDefault(c => c.Key == "shortcut").Value is Sequential projection)
            shortcut = Pair(projection, "0", "1", Join(path, "shortcut"));
        var folded = new FoldedBasicBlock(conv1, conv2, shortcut);
        folded.Train(block.IsTraining);
        return folded;
    }

    private static Sequential? Chain(Sequential chain, string path)
    {
        bool any = false;
        for (int i = 0; i + 1 < chain.Count; i++) any |= chain[i] is Conv2d && chain[i + 1] is BatchNorm2d;
        if (!any) return null;
        var modules = new List<Module>();
        for (int i = 0; i < chain.Count; i++)
        {
            if (chain[i] is Conv2d && i + 1 < chain.Count && chain[i + 1] is BatchNorm2d)
            {
                modules.Add(Pair(chain, $"{i}", $"{i + 1}", path));
                i++;
            }
            else modules.Add(chain[i]);
        }
        var folded = new Sequential([.. modules]);
        folded.Train(chain.IsTraining);
        return folded;
    }

    private static Conv2d Pair(Module owner, string convName, string normName, string path)
    {
        var conv = (Conv2d)owner.FindModule(convName);
        var norm = (BatchNorm2d)owner.FindModule(normName);
        if (conv.WeightTransform is not null || conv.InputTransform is not null)
            throw new ArgumentException($"BatchNormFolding: convolution '{Join(path, convName)}' already carries a "
                + "quantizer; fold the batch norm before quantizing.", nameof(owner));
        var folded = norm.FoldInto(conv);
        folded.Train(conv.IsTraining);
        if (!conv.Weight.RequiresGrad) folded.SetRequiresGrad(false);
        return folded;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
}
