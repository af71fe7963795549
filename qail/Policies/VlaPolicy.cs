using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Envs.Manipulation;
using Qail.Nn;

namespace Qail.Policies;

/// <summary>
/// The VLA-like manipulation policy: image patches (a strided convolution), the normalised gripper state as one
/// token, one learned query token per action dimension and the instruction's word tokens form one sequence with
/// learned positions, run through pre-norm transformer blocks (padding words masked); each action query's output
/// gives logits over the env's action bins. Outputs [B, ActionSize, Bins]; the action distribution is their softmax.
/// </summary>
public sealed class VlaPolicy : PolicyNetwork
{
    private readonly ActionTokenizer _tokenizer;
    private readonly int _patches;

    /// <summary>
    /// Builds the network for a manipulation env: <paramref name="patchSize"/>-pixel square patches, width
    /// <paramref name="modelDim"/>, <paramref name="layers"/> blocks of <paramref name="heads"/> heads (MLP 4x width).
    /// Defaults give about 0.14M parameters on 64x64x3 images with 256 bins.
    /// </summary>
    public VlaPolicy(EnvSpec spec, long seed, int modelDim = 64, int layers = 2, int heads = 4, int patchSize = 8,
        DType dtype = DType.Float32) : base(spec)
    {
        if (spec.Image is not ImageSpec image)
            throw new ArgumentException("VlaPolicy: the env has no image observation.", nameof(spec));
        if (spec.Instruction is not InstructionSpec instruction)
            throw new ArgumentException("VlaPolicy: the env has no instruction.", nameof(spec));
        if (spec.StateSize < 1)
            throw new ArgumentException($"VlaPolicy: the env has no state vector (StateSize {spec.StateSize}).",
                nameof(spec));
        if (spec.Action.Bins < 2)
            throw new ArgumentException($"VlaPolicy: the action space offers {spec.Action.Bins} bins; need at least 2.",
                nameof(spec));
        if (patchSize < 1 || image.Height % patchSize != 0 || image.Width % patchSize != 0)
            throw new ArgumentException(
                $"VlaPolicy: patch size {patchSize} must divide the image {image.Height}x{image.Width}.",
                nameof(patchSize));
        if (modelDim < 1 || layers < 1 || heads < 1 || modelDim % heads != 0)
            throw new ArgumentException($"VlaPolicy: modelDim {modelDim} must be a positive multiple of heads {heads}, "
                + $"layers {layers} positive.");
        _tokenizer = new ActionTokenizer(spec.Action);
        Dtype = dtype;
        ModelDim = modelDim;
        _patches = image.Height / patchSize * (image.Width / patchSize);
        int maxLength = _patches + 1 + spec.Action.Size + instruction.Length;
        RegisterModule("patch_embed",
            new Conv2d(image.Channels, modelDim, patchSize, Init.DeriveSeed(seed, 0), stride: patchSize, dtype: dtype));
        RegisterModule("state_embed", new Linear(spec.StateSize, modelDim, Init.DeriveSeed(seed, 1), dtype: dtype));
        RegisterModule("action_queries", new Embedding(spec.Action.Size, modelDim, Init.DeriveSeed(seed, 2), dtype));
        RegisterModule("word_embed",
            new Embedding(instruction.VocabularySize, modelDim, Init.DeriveSeed(seed, 3), dtype));
        RegisterModule("positions",
            new LearnedPositionalEmbedding(maxLength, modelDim, Init.DeriveSeed(seed, 4), dtype: dtype));
        var blocks = new List<Module>();
        for (int i = 0; i < layers; i++)
            blocks.Add(new TransformerBlock(modelDim, heads, 4 * modelDim, Init.DeriveSeed(seed, 10 + i),
                dtype: dtype));
        RegisterModule("blocks", new Sequential([.. blocks]));
        RegisterModule("norm", new LayerNorm(modelDim, dtype: dtype));
        RegisterModule("action_head", new Linear(modelDim, spec.Action.Bins, Init.DeriveSeed(seed, 5), dtype: dtype));
        RegisterBuffer("state_mean", Tensor.Zeros([spec.StateSize], dtype));
        RegisterBuffer("state_std", Tensor.Ones([spec.StateSize], dtype));
    }

    /// <summary>Transformer width.</summary>
    public int ModelDim { get; }

    /// <summary>Floating-point type of the weights (float64 for gradient checks).</summary>
    public DType Dtype { get; }

    /// <summary>The bin mapping of the env's action space (shared with the expert labels).</summary>
    public ActionTokenizer Tokenizer => _tokenizer;

    /// <summary>Sets the gripper-state normalisation from the demonstrations (std floored at 1e-3).</summary>
    public override void FitNormalization(Demonstrations demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var states = demos.States ?? throw new ArgumentException(
            "VlaPolicy.FitNormalization: the demonstrations hold no states.", nameof(demos));
        int n = Spec.StateSize;
        if (demos.StateSize != n || states.Length == 0)
            throw new ArgumentException($"VlaPolicy.FitNormalization: demonstrations have {demos.StateSize} state dims "
                + $"over {states.Length} values, the policy {n}.", nameof(demos));
        int rows = states.Length / n;
        var mean = new double[n];
        var std = new double[n];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++) mean[j] += states[r * n + j] / (double)rows;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++) std[j] += Math.Pow(states[r * n + j] - mean[j], 2) / rows;
        for (int j = 0; j < n; j++) std[j] = Math.Max(1e-3, Math.Sqrt(std[j]));
        Tensor.From<double>(mean, [n]).Cast(Dtype).CopyTo(GetBuffer("state_mean"));
        Tensor.From<double>(std, [n]).Cast(Dtype).CopyTo(GetBuffer("state_std"));
    }

    /// <inheritdoc/>
    public override Variable Predict(PolicyBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (images, states, words) = Inputs(batch);
        int b = images.Size(0), actions = Spec.Action.Size;
        var patches = RequireModule<Conv2d>("patch_embed").Forward(Variable.Constant(images))
            .Reshape(b, ModelDim, _patches).Permute(0, 2, 1);
        var normalized = Tensor.Div(Tensor.Sub(states, GetBuffer("state_mean")), GetBuffer("state_std"));
        var state = RequireModule<Linear>("state_embed").Forward(Variable.Constant(normalized)).Reshape(b, 1, ModelDim);
        var queryIds = Tensor.From<int>(Enumerable.Range(0, b * actions).Select(i => i % actions).ToArray(),
            [b, actions]);
        var queries = RequireModule<Embedding>("action_queries").Forward(queryIds);
        // Trailing words that are padding in every sample are dropped: they are masked keys, so nothing reads them.
        int length = UsedLength(words);
        var parts = new List<Variable> { patches, state, queries };
        if (length > 0)
            parts.Add(RequireModule<Embedding>("word_embed").Forward(words.Slice(1, 0, length).Contiguous()));
        var x = RequireModule<LearnedPositionalEmbedding>("positions").Forward(Variable.Concat(parts, 1));
        var padding = PaddingMask(words, length, _patches + 1 + actions);
        foreach (var (_, block) in RequireModule<Sequential>("blocks").Children())
            x = ((TransformerBlock)block).Forward(x, padding);
        var readout = RequireModule<LayerNorm>("norm").Forward(x.Slice(1, _patches + 1, _patches + 1 + actions));
        return RequireModule<Linear>("action_head").Forward(readout);
    }

    /// <summary>
    /// Cross-entropy of each dimension's bin logits against the expert action's target distribution over bins
    /// (<see cref="BinTargets"/>, or the one-hot bin when <see cref="LabelSigmaBins"/> is 0), mean over samples and
    /// dimensions.
    /// </summary>
    public override Variable ImitationLoss(Variable outputs, PolicyBatch batch)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(batch);
        CheckOutputs(outputs.Value);
        var actions = batch.Actions ?? throw new ArgumentException(
            "VlaPolicy.ImitationLoss: the batch holds no expert actions.", nameof(batch));
        if (LabelSigmaBins == 0) return Losses.CrossEntropy(outputs, ActionBins(actions, outputs.Size(0)));
        return Losses.CrossEntropy(outputs, Variable.Constant(BinTargets(actions, outputs.Size(0)).Cast(outputs.DType)),
            reduction: Reduction.Mean);
    }

    /// <summary>
    /// Width (standard deviation), in bins, of the Gaussian the expert action is spread over for the cross-entropy
    /// target; 0 gives the one-hot target on the expert's bin. Default 3 bins: neighbouring bins share the target, so
    /// the head learns that bins are ordered and an off-by-a-few-bins prediction is not scored as wholly wrong (with
    /// 256 bins and one-hot targets each bin is seen too rarely to learn from ~10k demonstration steps).
    /// </summary>
    public double LabelSigmaBins
    {
        get => _labelSigmaBins;
        set => _labelSigmaBins = value == 0 || (value >= 0.1 && double.IsFinite(value)) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value,
                "VlaPolicy.LabelSigmaBins must be 0 (one-hot) or a finite width of at least 0.1 bin.");
    }

    private double _labelSigmaBins = 3;

    /// <summary>
    /// The expert actions [B, ActionSize] as target distributions over bins [B, ActionSize, Bins] (see
    /// <see cref="LabelSigmaBins"/>).
    /// </summary>
    public Tensor BinTargets(Tensor actions, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(actions);
        int a = Spec.Action.Size, bins = Spec.Action.Bins;
        if (!Shapes.Equal(actions.ShapeSpan, [batchSize, a]))
            throw new ArgumentException(
                $"VlaPolicy: actions {Shapes.Format(actions.ShapeSpan)} must be [{batchSize}, {a}].", nameof(actions));
        var values = actions.Contiguous().Cast(DType.Float32).ToArray<float>();
        var targets = new double[values.Length * bins];
        double sigma = LabelSigmaBins;
        for (int i = 0; i < values.Length; i++)
        {
            int d = i % a;
            float v = values[i];
            if (!(v >= Spec.Action.Low[d] && v <= Spec.Action.High[d]))
                throw new ArgumentException(
                    $"VlaPolicy: action[{i / a}, {d}] = {v} outside [{Spec.Action.Low[d]}, {Spec.Action.High[d]}].",
                    nameof(actions));
            double u = (v - Spec.Action.Low[d]) / _tokenizer.BinWidth(d);
            var row = targets.AsSpan(i * bins, bins);
            if (sigma == 0)
            {
                row[Math.Min((int)Math.Floor(u), bins - 1)] = 1;
                continue;
            }
            // The nearest bin centre is within half a bin of u and sigma >= 0.1, so the sum stays positive.
            double sum = 0;
            for (int k = 0; k < bins; k++)
            {
                double z = (k + 0.5 - u) / sigma;
                row[k] = Math.Exp(-0.5 * z * z);
                sum += row[k];
            }
            for (int k = 0; k < bins; k++) row[k] /= sum;
        }
        return Tensor.From<double>(targets, [batchSize, a, bins]);
    }

    /// <summary>The expert actions [B, ActionSize] as int32 bin indices [B, ActionSize].</summary>
    public Tensor ActionBins(Tensor actions, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(actions);
        int a = Spec.Action.Size;
        if (!Shapes.Equal(actions.ShapeSpan, [batchSize, a]))
            throw new ArgumentException(
                $"VlaPolicy: actions {Shapes.Format(actions.ShapeSpan)} must be [{batchSize}, {a}].", nameof(actions));
        var values = actions.Contiguous().Cast(DType.Float32).ToArray<float>();
        var bins = new int[values.Length];
        for (int r = 0; r < batchSize; r++) _tokenizer.Encode(values.AsSpan(r * a, a), bins.AsSpan(r * a, a));
        return Tensor.From<int>(bins, [batchSize, a]);
    }

    /// <summary>KL(teacher || student) over the bins of each dimension, summed over dimensions: [B].</summary>
    public override Variable Alignment(Variable studentOutputs, Tensor teacherOutputs)
    {
        ArgumentNullException.ThrowIfNull(studentOutputs);
        ArgumentNullException.ThrowIfNull(teacherOutputs);
        CheckOutputs(studentOutputs.Value);
        if (!Shapes.Equal(studentOutputs.Value.ShapeSpan, teacherOutputs.ShapeSpan))
            throw new ArgumentException($"VlaPolicy.Alignment: student {Shapes.Format(studentOutputs.Value.ShapeSpan)} "
                + $"and teacher {Shapes.Format(teacherOutputs.ShapeSpan)} logits differ in shape.",
                nameof(teacherOutputs));
        return Losses.KlDivergence(Variable.Constant(
            teacherOutputs.Cast(studentOutputs.DType)), studentOutputs, Reduction.None).Sum([1]);
    }

    /// <summary>How <see cref="ToAction"/> decodes the bins; <see cref="ActionDecoding.Argmax"/> by default.</summary>
    public ActionDecoding Decoding { get; set; } = ActionDecoding.Argmax;

    /// <summary>
    /// Decodes each dimension's bins by <see cref="Decoding"/>. Argmax (the default, greedy as VLA models emit action
    /// tokens) puts the action on the tokenizer's grid, so a quantized policy's error shows as bin flips; the
    /// expectation is smooth between bin centres. Both lie within the action bounds.
    /// </summary>
    public override float[] ToAction(Tensor outputs, int row)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        CheckOutputs(outputs);
        if ((uint)row >= (uint)outputs.Size(0))
            throw new ArgumentOutOfRangeException(nameof(row), row,
                $"VlaPolicy.ToAction: outputs hold {outputs.Size(0)} rows.");
        var logits = outputs.Select(0, row);
        if (Decoding == ActionDecoding.Argmax) return _tokenizer.Decode(logits.ArgMax(1).Contiguous().ToArray<int>());
        var probabilities = logits.Cast(DType.Float64).Softmax(1).Contiguous().ToArray<double>();
        int bins = Spec.Action.Bins;
        var action = new float[Spec.Action.Size];
        for (int d = 0; d < action.Length; d++)
        {
            double mean = 0;
            for (int k = 0; k < bins; k++)
                mean += probabilities[d * bins + k] * (Spec.Action.Low[d] + (k + 0.5) * _tokenizer.BinWidth(d));
            action[d] = Math.Clamp((float)mean, Spec.Action.Low[d], Spec.Action.High[d]); // float rounding only
        }
        return action;
    }

    private void CheckOutputs(Tensor outputs)
    {
        if (outputs.Rank != 3 || outputs.Size(1) != Spec.Action.Size || outputs.Size(2) != Spec.Action.Bins)
            throw new ArgumentException($"VlaPolicy: outputs {Shapes.Format(outputs.ShapeSpan)} must be [B, "
                + $"{Spec.Action.Size}, {Spec.Action.Bins}] bin logits.", nameof(outputs));
    }

    private (Tensor Images, Tensor States, Tensor Words) Inputs(PolicyBatch batch)
    {
        var image = Spec.Image!;
        var instruction = Spec.Instruction!;
        var images = batch.Images ?? throw new ArgumentException("VlaPolicy: the batch holds no images.",
            nameof(batch));
        if (images.Rank != 4 || images.Size(1) != image.Channels || images.Size(2) != image.Height
            || images.Size(3) != image.Width)
            throw new ArgumentException($"VlaPolicy: images {Shapes.Format(images.ShapeSpan)} must be [B, "
                + $"{image.Channels}, {image.Height}, {image.Width}].", nameof(batch));
        int b = images.Size(0);
        var states = batch.States
            ?? throw new ArgumentException("VlaPolicy: the batch holds no states (gripper state).", nameof(batch));
        if (!Shapes.Equal(states.ShapeSpan, [b, Spec.StateSize]))
            throw new ArgumentException(
                $"VlaPolicy: states {Shapes.Format(states.ShapeSpan)} must be [{b}, {Spec.StateSize}].", nameof(batch));
        var words = batch.Instructions ?? throw new ArgumentException("VlaPolicy: the batch holds no instructions.",
            nameof(batch));
        if (words.DType != DType.Int32 || !Shapes.Equal(words.ShapeSpan, [b, instruction.Length]))
            throw new ArgumentException(
                $"VlaPolicy: instructions {words} must be int32 of shape [{b}, {instruction.Length}].", nameof(batch));
        words = words.Contiguous();
        var ids = words.ToArray<int>();
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)instruction.VocabularySize)
                throw new ArgumentException($"VlaPolicy: instruction token {ids[i]} at sample {i / instruction.Length},"
                    + $" position {i % instruction.Length} is outside 0..{instruction.VocabularySize - 1}.",
                    nameof(batch));
        return (images.Cast(Dtype), states.Cast(Dtype), words);
    }

    // Longest instruction in the batch: one past the last non-padding (non-zero) token of any sample.
    private static int UsedLength(Tensor words)
    {
        int width = words.Size(1);
        var ids = words.ToArray<int>();
        int used = 0;
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] != 0) used = Math.Max(used, i % width + 1);
        return used;
    }

    // [B, T] int32: 1 where a key is a padding word; null when no kept word is padding.
    private static Tensor? PaddingMask(Tensor words, int length, int prefix)
    {
        int b = words.Size(0), width = words.Size(1);
        var ids = words.ToArray<int>();
        var mask = new int[b * (prefix + length)];
        bool any = false;
        for (int r = 0; r < b; r++)
            for (int j = 0; j < length; j++)
                if (ids[r * width + j] == 0)
                {
                    mask[r * (prefix + length) + prefix + j] = 1;
                    any = true;
                }
        return any ? Tensor.From<int>(mask, [b, prefix + length]) : null;
    }
}
