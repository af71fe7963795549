using Qail.Nn;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// The CILRS family, as <see cref="CilrsPolicy.Predict"/> and ToAction: the encoder's convolutions and residual
/// blocks (batch norms folded), the flatten folded into the `features` layer, the normalised speed's embedding,
/// every command head, the commanded head's output (command select), tanh/sigmoid and the bound clamp. The
/// speed-prediction head is training-only and not exported.
/// </summary>
internal static class CilrsLowering
{
    public static void Lower(LoweringContext context, CilrsPolicy cilrs)
    {
        var spec = cilrs.Spec;
        var image = spec.Image!;
        var graph = context.Graph;
        int pixels = graph.Input(GraphInput.Image(image.Channels, image.Height, image.Width));
        int speed = graph.Input(GraphInput.State(spec.StateSize));
        int command = graph.Input(GraphInput.Command(spec.CommandCount));

        var map = LoweredValue.Of(pixels,
            new FeatureMap(image.Channels, image.Height, image.Width, ChannelsLast: false));
        map = context.Lower(cilrs.FindModule("encoder"), "encoder", map);
        var features = LinearLowering.Flattened(context, Module<Linear>(cilrs, "features"), "features", map);
        features = context.Apply(new Relu(features.Size), features);
        var buffers = LoweringContext.Buffers(cilrs);
        var embedded = context.Apply(new Normalize(buffers["speed_mean"], buffers["speed_std"]),
            new LoweredValue(speed, 1, spec.StateSize));
        embedded = context.Lower(Module<Linear>(cilrs, "speed_in"), "speed_in", embedded);
        embedded = context.Apply(new Relu(embedded.Size), embedded);
        var joined = new LoweredValue(graph.Add(new Concat([features.Size, embedded.Size]), features.Slot,
            embedded.Slot), 1, features.Size + embedded.Size);

        var heads = Module<Sequential>(cilrs, "heads");
        var outputs = new int[heads.Count + 1];
        for (int k = 0; k < heads.Count; k++) outputs[k] = context.Lower(heads[k], $"heads.{k}", joined).Slot;
        outputs[^1] = command;
        graph.Add(new CommandSelect(heads.Count, spec.Action.Size), outputs);
        graph.Then(new CilrsAction((float[])spec.Action.Low.Clone(), (float[])spec.Action.High.Clone()));
    }

    private static T Module<T>(CilrsPolicy cilrs, string path) where T : Module =>
        LoweringContext.Child<T>(cilrs, path, path);
}
