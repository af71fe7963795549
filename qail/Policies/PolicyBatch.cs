using Qail.Engine;
using Qail.Envs;

namespace Qail.Policies;

/// <summary>A minibatch of observations (the parts an env has) and, for training, the expert's action labels.</summary>
/// <param name="States">[B, StateSize] float32, or null.</param>
/// <param name="Images">[B, C, H, W] float32 in [0, 1], or null.</param>
/// <param name="Instructions">[B, L] int32 token ids, or null.</param>
/// <param name="Commands">[B] int32 command indices, or null.</param>
/// <param name="Actions">[B, ActionSize] float32 expert labels, or null at inference.</param>
public sealed record PolicyBatch(Tensor? States, Tensor? Images, Tensor? Instructions, Tensor? Commands,
    Tensor? Actions)
{
    /// <summary>Number of samples.</summary>
    public int Size => (States ?? Images ?? Instructions ?? Commands ?? Actions)?.Size(0)
        ?? throw new InvalidOperationException("PolicyBatch: the batch holds no tensors.");

    /// <summary>The steps <paramref name="indices"/> of a demonstration set as one batch.</summary>
    public static PolicyBatch FromDemonstrations(Demonstrations demos, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(demos);
        int b = indices.Length;
        Tensor? states = null, images = null, instructions = null, commands = null;
        if (demos.States is float[] s) states = Gather(s, demos.StateSize, indices, [b, demos.StateSize]);
        if (demos.Images is byte[] img && demos.ImageShape is [int h, int w, int c])
            images = ImagesToChw(img, h, w, c, indices);
        if (demos.Instructions is int[] ins)
            instructions = Tensor.From<int>(GatherRows(ins, demos.InstructionLength, indices),
                [b, demos.InstructionLength]);
        if (demos.Commands is int[] cmd) commands = Tensor.From<int>(GatherRows(cmd, 1, indices), [b]);
        var actions = Gather(demos.Actions, demos.ActionSize, indices, [b, demos.ActionSize]);
        return new PolicyBatch(states, images, instructions, commands, actions);
    }

    /// <summary>One observation as a batch of one (no labels).</summary>
    public static PolicyBatch FromObservation(Observation observation, EnvSpec spec) =>
        FromObservations([observation], spec);

    /// <summary>Observations (e.g. states a policy visited) as one batch without labels.</summary>
    public static PolicyBatch FromObservations(IReadOnlyList<Observation> observations, EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(spec);
        if (observations.Count == 0)
            throw new ArgumentException("PolicyBatch: no observations given.", nameof(observations));
        int b = observations.Count;
        var first = observations[0];
        Tensor? states = first.State is null ? null
            : Tensor.From<float>(observations.SelectMany(o => o.State ?? throw Missing("state")).ToArray(),
                [b, spec.StateSize]);
        Tensor? images = null;
        if (first.Image is not null && spec.Image is ImageSpec i)
        {
            var all = observations.SelectMany(o => o.Image ?? throw Missing("image")).ToArray();
            images = ImagesToChw(all, i.Height, i.Width, i.Channels, Enumerable.Range(0, b).ToArray());
        }
        Tensor? instructions = first.Instruction is null ? null
            : Tensor.From<int>(observations.SelectMany(o => o.Instruction ?? throw Missing("instruction")).ToArray(),
                [b, first.Instruction.Length]);
        Tensor? commands = first.Command is null ? null
            : Tensor.From<int>(observations.Select(o => o.Command ?? throw Missing("command")).ToArray(), [b]);
        return new PolicyBatch(states, images, instructions, commands, null);
    }

    private static ArgumentException Missing(string part) =>
        new($"PolicyBatch: observations differ in their parts (one lacks the {part}).");

    private static Tensor Gather(float[] source, int width, ReadOnlySpan<int> indices, int[] shape)
    {
        var rows = new float[indices.Length * width];
        for (int r = 0; r < indices.Length; r++)
            source.AsSpan(indices[r] * width, width).CopyTo(rows.AsSpan(r * width));
        return Tensor.From<float>(rows, shape);
    }

    private static int[] GatherRows(int[] source, int width, ReadOnlySpan<int> indices)
    {
        var rows = new int[indices.Length * width];
        for (int r = 0; r < indices.Length; r++)
            source.AsSpan(indices[r] * width, width).CopyTo(rows.AsSpan(r * width));
        return rows;
    }

    // HWC bytes (how envs store images) to CHW floats in [0, 1] (how convolutions read them).
    private static Tensor ImagesToChw(byte[] source, int h, int w, int c, ReadOnlySpan<int> indices)
    {
        int plane = h * w, frame = plane * c;
        var data = new float[indices.Length * frame];
        for (int r = 0; r < indices.Length; r++)
        {
            var src = source.AsSpan(indices[r] * frame, frame);
            var dst = data.AsSpan(r * frame, frame);
            for (int p = 0; p < plane; p++)
                for (int ch = 0; ch < c; ch++) dst[ch * plane + p] = src[p * c + ch] / 255f;
        }
        return Tensor.From<float>(data, [indices.Length, c, h, w]);
    }
}
