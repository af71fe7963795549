using Qail.Engine;

namespace Qail.Autograd;

/// <summary>Runs reverse-mode accumulation over the graph recorded below a root variable.</summary>
internal static class BackwardPass
{
    public static void Run(Variable root, Tensor gradOutput, bool retainGraph)
    {
        var order = TopologicalOrder(root);
        var pending = new Dictionary<Variable, Tensor>(ReferenceEqualityComparer.Instance) { [root] = gradOutput };
        // Reverse post-order: every variable is processed after all variables computed from it.
        for (int k = order.Count - 1; k >= 0; k--)
        {
            var node = order[k];
            if (!pending.Remove(node, out var grad)) continue;
            if (node.IsLeaf)
            {
                node.AccumulateGrad(grad);
                continue;
            }
            var inputs = node.Inputs;
            var needs = new bool[inputs.Count];
            for (int i = 0; i < needs.Length; i++) needs[i] = inputs[i].RequiresGrad;
            var inputGrads = node.TakeRule()(grad, needs);
            if (inputGrads.Length != inputs.Count)
                throw new InvalidOperationException($"Backward of {node.OpName}: the rule returned {inputGrads.Length} "
                    + $"gradients for {inputs.Count} inputs.");
            for (int i = 0; i < inputGrads.Length; i++)
            {
                var g = inputGrads[i];
                if (g is null || !needs[i]) continue;
                var input = inputs[i];
                if (!Shapes.Equal(g.ShapeSpan, input.Value.ShapeSpan))
                    throw new InvalidOperationException(
                        $"Backward of {node.OpName}: gradient for input {i} has shape {Shapes.Format(g.ShapeSpan)}, "
                        + $"expected {Shapes.Format(input.Value.ShapeSpan)}.");
                if (g.DType != input.DType) g = g.Cast(input.DType);
                pending[input] = pending.TryGetValue(input, out var acc) ? Tensor.Add(acc, g) : g;
            }
            if (!retainGraph) node.FreeGraph();
        }
    }

    // Iterative depth-first post-order (no recursion: 1000-step unrolled graphs must not overflow the stack).
    private static List<Variable> TopologicalOrder(Variable root)
    {
        var order = new List<Variable>();
        var visited = new HashSet<Variable>(ReferenceEqualityComparer.Instance) { root };
        var stack = new Stack<(Variable Node, int Next)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var inputs = node.Inputs;
            if (next < inputs.Count)
            {
                stack.Push((node, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else
            {
                order.Add(node);
            }
        }
        return order;
    }
}
