using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Nn;

namespace Qail.Policies;

/// <summary>
/// The CILRS-like driving policy: a small ResNet encoder over the bird's-eye raster (stride-2 stem, three stride-2
/// basic blocks, flattened so the lane geometry keeps its place), the normalised ego speed joined to the image
/// features, one small MLP head per high-level command (each sample uses the head of its command), and a
/// speed-prediction head from the image features alone. Outputs [B, ActionSize + 1]: steer (tanh), throttle and
/// brake (sigmoid), then the predicted normalised speed, which only the imitation loss reads.
/// </summary>
public sealed class CilrsPolicy : PolicyNetwork
{
    private readonly int _flatFeatures;

    /// <summary>
    /// Builds the network for a driving env: encoder widths (w, 2w, 4w, 4w), <paramref name="featureSize"/> image
    /// features, heads of <paramref name="headHidden"/> units. Defaults give about 0.15M parameters on 64x64x5 rasters.
    /// </summary>
    public CilrsPolicy(EnvSpec spec, long seed, int width = 8, int featureSize = 128, int headHidden = 64,
        DType dtype = DType.Float32) : base(spec)
    {
        if (spec.Image is not ImageSpec image)
            throw new ArgumentException("CilrsPolicy: the env has no image observation.", nameof(spec));
        if (spec.StateSize != 1)
            throw new ArgumentException(
                $"CilrsPolicy: the state must be the ego speed alone (StateSize 1), got {spec.StateSize}.",
                nameof(spec));
        if (spec.CommandCount < 1)
            throw new ArgumentException($"CilrsPolicy: the env offers {spec.CommandCount} commands; need at least one.",
                nameof(spec));
        if (spec.Action.Size != 3)
            throw new ArgumentException(
                $"CilrsPolicy: actions must be (steer, throttle, brake), got {spec.Action.Size} dimensions.",
                nameof(spec));
        if (width < 1 || featureSize < 1 || headHidden < 1)
            throw new ArgumentException($"CilrsPolicy: width {width}, featureSize {featureSize} and headHidden "
                + $"{headHidden} must be positive.");
        Dtype = dtype;
        int h = image.Height, w = image.Width;
        var stem = new Sequential(
            new Conv2d(image.Channels, width, 3, Init.DeriveSeed(seed, 0), stride: 2, padding: 1, bias: false,
                dtype: dtype),
            new BatchNorm2d(width, dtype: dtype),
            new ReLU());
        int[] widths = [width, 2 * width, 4 * width, 4 * width];
        var blocks = new List<Module> { stem };
        (h, w) = (Halve(h), Halve(w));
        for (int i = 1; i < widths.Length; i++)
        {
            blocks.Add(new ResNetBasicBlock(widths[i - 1], widths[i], Init.DeriveSeed(seed, i), stride: 2, dtype));
            (h, w) = (Halve(h), Halve(w));
        }
        _flatFeatures = widths[^1] * h * w;
        RegisterModule("encoder", new Sequential([.. blocks]));
        RegisterModule("features", new Linear(_flatFeatures, featureSize, Init.DeriveSeed(seed, 10), dtype: dtype));
        RegisterModule("speed_in", new Linear(1, SpeedEmbedding, Init.DeriveSeed(seed, 11), dtype: dtype));
        var heads = new List<Module>();
        for (int c = 0; c < spec.CommandCount; c++)
            heads.Add(new Sequential(
                new Linear(featureSize + SpeedEmbedding, headHidden, Init.DeriveSeed(seed, 100 + 2 * c), dtype: dtype),
                new ReLU(),
                new Linear(headHidden, spec.Action.Size, Init.DeriveSeed(seed, 101 + 2 * c), dtype: dtype)));
        RegisterModule("heads", new Sequential([.. heads]));
        RegisterModule("speed_head", new Sequential(
            new Linear(featureSize, headHidden, Init.DeriveSeed(seed, 20), dtype: dtype),
            new ReLU(),
            new Linear(headHidden, 1, Init.DeriveSeed(seed, 21), dtype: dtype)));
        RegisterBuffer("speed_mean", Tensor.Zeros([1], dtype));
        RegisterBuffer("speed_std", Tensor.Ones([1], dtype));
    }

    /// <summary>Width of the learned speed embedding joined to the image features.</summary>
    public const int SpeedEmbedding = 16;

    /// <summary>Weight of the speed-prediction term in the imitation loss (CILRS's auxiliary regulariser).</summary>
    public double SpeedLossWeight { get; init; } = 0.05;

    /// <summary>Floating-point type of the weights (float64 for gradient checks).</summary>
    public DType Dtype { get; }

    /// <summary>Sets the speed normalisation from the demonstrations (std floored at 0.1 m/s).</summary>
    public override void FitNormalization(Demonstrations demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var speeds = demos.States ?? throw new ArgumentException(
            "CilrsPolicy.FitNormalization: the demonstrations hold no speeds.", nameof(demos));
        if (demos.StateSize != 1 || speeds.Length == 0)
            throw new ArgumentException("CilrsPolicy.FitNormalization: need one speed per step, got StateSize "
                + $"{demos.StateSize} over {speeds.Length} values.", nameof(demos));
        double mean = speeds.Average(s => (double)s);
        double std = Math.Sqrt(speeds.Average(s => (s - mean) * (s - mean)));
        Tensor.From<double>([mean], [1]).Cast(Dtype).CopyTo(GetBuffer("speed_mean"));
        Tensor.From<double>([Math.Max(0.1, std)], [1]).Cast(Dtype).CopyTo(GetBuffer("speed_std"));
    }

    /// <inheritdoc/>
    public override Variable Predict(PolicyBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (images, speeds, commands) = Inputs(batch);
        int b = images.Size(0);
        var encoded = RequireModule<Sequential>("encoder").Forward(Variable.Constant(images)).Reshape(b, _flatFeatures);
        var features = RequireModule<Linear>("features").Forward(encoded).Relu();
        var speed = RequireModule<Linear>("speed_in").Forward(Variable.Constant(NormalizedSpeed(speeds))).Relu();
        var joined = Variable.Concat([features, speed], 1);
        var heads = RequireModule<Sequential>("heads");
        // [B, K, A]
        var perCommand = Variable.Stack(heads.Children().Select(head => head.Value.Forward(joined)).ToArray(), 1);
        var raw = perCommand.Gather(1, CommandIndex(commands, Spec.Action.Size)).Reshape(b, Spec.Action.Size);
        var steer = raw.Slice(1, 0, 1).Tanh();
        var pedals = raw.Slice(1, 1, Spec.Action.Size).Sigmoid();
        var predictedSpeed = RequireModule<Sequential>("speed_head").Forward(features);
        return Variable.Concat([steer, pedals, predictedSpeed], 1);
    }

    /// <summary>
    /// Mean L1 of the actions against the expert's (as CILRS) plus <see cref="SpeedLossWeight"/> times the MSE of the
    /// predicted normalised speed.
    /// </summary>
    public override Variable ImitationLoss(Variable outputs, PolicyBatch batch)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(batch);
        CheckOutputs(outputs.Value);
        var actions = batch.Actions ?? throw new ArgumentException(
            "CilrsPolicy.ImitationLoss: the batch holds no expert actions.", nameof(batch));
        if (!Shapes.Equal(actions.ShapeSpan, [outputs.Size(0), Spec.Action.Size]))
            throw new ArgumentException($"CilrsPolicy.ImitationLoss: actions {Shapes.Format(actions.ShapeSpan)} must "
                + $"be [{outputs.Size(0)}, {Spec.Action.Size}].", nameof(batch));
        var speeds = batch.States ?? throw new ArgumentException(
            "CilrsPolicy.ImitationLoss: the batch holds no speeds (the speed head's target).", nameof(batch));
        var actionLoss = Losses.L1(ActionPart(outputs), Variable.Constant(actions.Cast(Dtype)));
        var speedLoss = Losses.Mse(outputs.Slice(1, Spec.Action.Size, Spec.Action.Size + 1),
            Variable.Constant(NormalizedSpeed(speeds.Cast(Dtype))));
        return actionLoss + speedLoss * SpeedLossWeight;
    }

    /// <summary>Squared L2 over the action outputs (the speed prediction is not part of the behaviour).</summary>
    public override Variable Alignment(Variable studentOutputs, Tensor teacherOutputs)
    {
        ArgumentNullException.ThrowIfNull(studentOutputs);
        ArgumentNullException.ThrowIfNull(teacherOutputs);
        CheckOutputs(studentOutputs.Value);
        if (!Shapes.Equal(studentOutputs.Value.ShapeSpan, teacherOutputs.ShapeSpan))
            throw new ArgumentException("CilrsPolicy.Alignment: student "
                + $"{Shapes.Format(studentOutputs.Value.ShapeSpan)} and teacher "
                + $"{Shapes.Format(teacherOutputs.ShapeSpan)} outputs differ in shape.", nameof(teacherOutputs));
        var teacher = Variable.Constant(teacherOutputs.Slice(1, 0, Spec.Action.Size).Cast(studentOutputs.DType));
        return (ActionPart(studentOutputs) - teacher).Square().Sum([1]);
    }

    /// <inheritdoc/>
    public override float[] ToAction(Tensor outputs, int row)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        CheckOutputs(outputs);
        if ((uint)row >= (uint)outputs.Size(0))
            throw new ArgumentOutOfRangeException(nameof(row), row,
                $"CilrsPolicy.ToAction: outputs hold {outputs.Size(0)} rows.");
        var values = outputs.Select(0, row).Contiguous().Cast(DType.Float32).ToArray<float>();
        var action = new float[Spec.Action.Size];
        for (int i = 0; i < action.Length; i++)
            action[i] = Math.Clamp(values[i], Spec.Action.Low[i], Spec.Action.High[i]);
        return action;
    }

    private Variable ActionPart(Variable outputs) => outputs.Slice(1, 0, Spec.Action.Size);

    private Tensor NormalizedSpeed(Tensor speeds) =>
        Tensor.Div(Tensor.Sub(speeds, GetBuffer("speed_mean")), GetBuffer("speed_std"));

    private void CheckOutputs(Tensor outputs)
    {
        if (outputs.Rank != 2 || outputs.Size(1) != Spec.Action.Size + 1)
            throw new ArgumentException($"CilrsPolicy: outputs {Shapes.Format(outputs.ShapeSpan)} must be [B, "
                + $"{Spec.Action.Size + 1}] (actions then predicted speed).", nameof(outputs));
    }

    private (Tensor Images, Tensor Speeds, int[] Commands) Inputs(PolicyBatch batch)
    {
        var image = Spec.Image!;
        var images = batch.Images ?? throw new ArgumentException(
            "CilrsPolicy: the batch holds no images (bird's-eye rasters).", nameof(batch));
        if (images.Rank != 4 || images.Size(1) != image.Channels || images.Size(2) != image.Height
            || images.Size(3) != image.Width)
            throw new ArgumentException($"CilrsPolicy: images {Shapes.Format(images.ShapeSpan)} must be [B, "
                + $"{image.Channels}, {image.Height}, {image.Width}].", nameof(batch));
        int b = images.Size(0);
        var speeds = batch.States ?? throw new ArgumentException("CilrsPolicy: the batch holds no states (ego speed).",
            nameof(batch));
        if (!Shapes.Equal(speeds.ShapeSpan, [b, 1]))
            throw new ArgumentException(
                $"CilrsPolicy: states {Shapes.Format(speeds.ShapeSpan)} must be [{b}, 1] (ego speed).", nameof(batch));
        var commandTensor = batch.Commands ?? throw new ArgumentException(
            "CilrsPolicy: the batch holds no commands (needed to pick the action head).", nameof(batch));
        if (commandTensor.DType != DType.Int32 || !Shapes.Equal(commandTensor.ShapeSpan, [b]))
            throw new ArgumentException($"CilrsPolicy: commands {commandTensor} must be int32 of shape [{b}].",
                nameof(batch));
        var commands = commandTensor.Contiguous().ToArray<int>();
        for (int i = 0; i < b; i++)
            if ((uint)commands[i] >= (uint)Spec.CommandCount)
                throw new ArgumentException(
                    $"CilrsPolicy: command {commands[i]} at sample {i} is outside 0..{Spec.CommandCount - 1}.",
                    nameof(batch));
        return (images.Cast(Dtype), speeds.Cast(Dtype), commands);
    }

    // Index [B, 1, A] selecting each sample's command head from the stacked [B, K, A] head outputs.
    private static Tensor CommandIndex(int[] commands, int actionSize)
    {
        var index = new int[commands.Length * actionSize];
        for (int i = 0; i < commands.Length; i++) index.AsSpan(i * actionSize, actionSize).Fill(commands[i]);
        return Tensor.From<int>(index, [commands.Length, 1, actionSize]);
    }

    private static int Halve(int size) => (size - 1) / 2 + 1; // 3x3 convolution, stride 2, padding 1
}
