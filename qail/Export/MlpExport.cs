using Qail.Nn;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>The MLP family's graph: normalise -> (linear, relu)* -> linear -> tanh action head, as MlpPolicy.Forward and ToAction.</summary>
internal static class MlpExport
{
    public static PolicyGraph Graph(MlpPolicy mlp)
    {
        var buffers = mlp.NamedBuffers().Where(b => !b.Key.Contains('.')).ToDictionary(b => b.Key, b => b.Value.Cast(Engine.DType.Float32).Contiguous().ToArray<float>());
        var graph = new PolicyGraph();
        graph.Input(GraphInput.State(mlp.Spec.StateSize));
        graph.Then(new Normalize(buffers["state_mean"], buffers["state_std"]));
        var body = (Sequential)mlp.FindModule("body");
        for (int i = 0; i < body.Count; i++)
        {
            graph.Then(body[i] switch
            {
                Linear linear => LayerExport.Linear($"body.{i}", linear),
                ReLU => new Relu(graph.SlotSize(graph.Last)),
                var other => throw new ArgumentException($"Export: layer 'body.{i}' is a {other.GetType().Name}, which has no runtime op.", nameof(mlp)),
            });
        }
        var action = mlp.Spec.Action;
        graph.Then(new TanhAction(buffers["action_centre"], buffers["action_half_range"], (float[])action.Low.Clone(), (float[])action.High.Clone()));
        return graph;
    }
}
