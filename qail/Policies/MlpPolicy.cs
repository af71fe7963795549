using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Nn;

namespace Qail.Policies;

/// <summary>
/// The physics-control policy of the papers (about 0.07M parameters at hidden [256, 256]): normalised state in,
/// ReLU MLP, tanh-squashed deterministic action scaled to the env's bounds out. Trained with MSE on expert actions.
/// </summary>
public sealed class MlpPolicy : PolicyNetwork
{
    /// <summary>Builds the network for a state-vector env with the given hidden widths.</summary>
    public MlpPolicy(EnvSpec spec, int[] hidden, long seed) : base(spec)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (spec.StateSize < 1)
            throw new ArgumentException($"MlpPolicy: the env has no state vector (StateSize {spec.StateSize}).",
                nameof(spec));
        if (hidden.Any(h => h < 1))
            throw new ArgumentException($"MlpPolicy: hidden widths {Shapes.Format(hidden)} must be positive.",
                nameof(hidden));
        Hidden = (int[])hidden.Clone();
        var layers = new List<Module>();
        int width = spec.StateSize;
        for (int i = 0; i < hidden.Length; i++)
        {
            layers.Add(new Linear(width, hidden[i], Init.DeriveSeed(seed, i)));
            layers.Add(new ReLU());
            width = hidden[i];
        }
        layers.Add(new Linear(width, spec.Action.Size, Init.DeriveSeed(seed, hidden.Length)));
        RegisterModule("body", new Sequential([.. layers]));
        RegisterBuffer("state_mean", Tensor.Zeros([spec.StateSize]));
        RegisterBuffer("state_std", Tensor.Ones([spec.StateSize]));
        var (centre, halfRange) = ActionScaling(spec.Action);
        RegisterBuffer("action_centre", Tensor.From<float>(centre, [centre.Length]));
        RegisterBuffer("action_half_range", Tensor.From<float>(halfRange, [halfRange.Length]));
    }

    /// <summary>Hidden layer widths.</summary>
    public int[] Hidden { get; }

    /// <summary>Sets the input normalisation from the demonstrations' state statistics (std floored at 1e-3).</summary>
    public override void FitNormalization(Demonstrations demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var states = demos.States ?? throw new ArgumentException("FitNormalization: the demonstrations hold no states.",
            nameof(demos));
        int n = Spec.StateSize;
        if (demos.StateSize != n)
            throw new ArgumentException(
                $"FitNormalization: demonstrations have {demos.StateSize} state dims, the policy {n}.", nameof(demos));
        var mean = new double[n];
        var sq = new double[n];
        int rows = states.Length / n;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++)
            {
                double v = states[r * n + j];
                mean[j] += v;
                sq[j] += v * v;
            }
        var m = new float[n];
        var s = new float[n];
        for (int j = 0; j < n; j++)
        {
            m[j] = (float)(mean[j] / rows);
            s[j] = (float)Math.Max(1e-3, Math.Sqrt(Math.Max(0, sq[j] / rows - m[j] * (double)m[j])));
        }
        Tensor.From<float>(m, [n]).CopyTo(GetBuffer("state_mean"));
        Tensor.From<float>(s, [n]).CopyTo(GetBuffer("state_std"));
    }

    /// <inheritdoc/>
    public override Variable Forward(Variable states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var normalized = (states - Variable.Constant(GetBuffer("state_mean")))
            / Variable.Constant(GetBuffer("state_std"));
        var raw = RequireModule<Sequential>("body").Forward(normalized);
        return raw.Tanh() * Variable.Constant(GetBuffer("action_half_range"))
            + Variable.Constant(GetBuffer("action_centre"));
    }

    /// <inheritdoc/>
    public override Variable Predict(PolicyBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(Variable.Constant(batch.States
            ?? throw new ArgumentException("MlpPolicy: the batch holds no states.", nameof(batch))));
    }

    /// <inheritdoc/>
    public override Variable ImitationLoss(Variable outputs, PolicyBatch batch) =>
        Losses.Mse(outputs, Variable.Constant(batch.Actions
            ?? throw new ArgumentException("ImitationLoss: the batch holds no expert actions.", nameof(batch))));

    /// <inheritdoc/>
    public override Variable Alignment(Variable studentOutputs, Tensor teacherOutputs) =>
        (studentOutputs - Variable.Constant(teacherOutputs)).Square().Sum([1]);

    /// <inheritdoc/>
    public override float[] ToAction(Tensor outputs, int row)
    {
        var action = outputs.Select(0, row).Contiguous().ToArray<float>();
        for (int i = 0; i < action.Length; i++)
            action[i] = Math.Clamp(action[i], Spec.Action.Low[i], Spec.Action.High[i]);
        return action;
    }

    private static (float[] Centre, float[] HalfRange) ActionScaling(ActionSpace action)
    {
        var centre = new float[action.Size];
        var half = new float[action.Size];
        for (int i = 0; i < action.Size; i++)
        {
            if (!(action.High[i] > action.Low[i]) || !float.IsFinite(action.Low[i]) || !float.IsFinite(action.High[i]))
                throw new ArgumentException($"MlpPolicy: action dimension {i} needs finite bounds low < high, got ["
                    + $"{action.Low[i]}, {action.High[i]}].", nameof(action));
            centre[i] = (action.Low[i] + action.High[i]) / 2;
            half[i] = (action.High[i] - action.Low[i]) / 2;
        }
        return (centre, half);
    }
}
