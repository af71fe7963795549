using Qail.Nn;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>The MLP family: normalised state -> body -> tanh action head, as MlpPolicy.Forward and ToAction.</summary>
internal static class MlpLowering
{
    public static void Lower(LoweringContext context, MlpPolicy mlp)
    {
        var buffers = LoweringContext.Buffers(mlp);
        int state = context.Graph.Input(GraphInput.State(mlp.Spec.StateSize));
        var x = new LoweredValue(state, 1, mlp.Spec.StateSize);
        x = context.Apply(new Normalize(buffers["state_mean"], buffers["state_std"]), x);
        x = context.Lower(mlp.FindModule("body"), "body", x);
        var action = mlp.Spec.Action;
        context.Graph.Add(new TanhAction(buffers["action_centre"], buffers["action_half_range"],
            (float[])action.Low.Clone(), (float[])action.High.Clone()), x.Slot);
    }
}
