using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Nn;

namespace Qail.Policies;

/// <summary>
/// A trainable policy: maps a <see cref="PolicyBatch"/> to raw outputs (continuous actions, or logits over action
/// bins) and says how to score them against expert labels (imitation loss) and against a teacher's outputs
/// (the QBC alignment term). The weight layers inside are ordinary nn layers, so quantization plugs in unchanged.
/// </summary>
public abstract class PolicyNetwork : Module
{
    /// <summary>Creates a network for an env's observation and action spaces.</summary>
    protected PolicyNetwork(EnvSpec spec) => Spec = spec ?? throw new ArgumentNullException(nameof(spec));

    /// <summary>The env contract this policy serves.</summary>
    public EnvSpec Spec { get; }

    /// <summary>Raw outputs for a batch: [B, ActionSize] actions, or [B, ActionSize, Bins] logits.</summary>
    public abstract Variable Predict(PolicyBatch batch);

    /// <summary>The imitation loss of outputs against the batch's expert actions (the papers' L_QAT).</summary>
    public abstract Variable ImitationLoss(Variable outputs, PolicyBatch batch);

    /// <summary>
    /// Per-sample discrepancy between student outputs and the frozen teacher's, shape [B] (the papers' D in L_QBC):
    /// squared L2 for continuous actions, KL(teacher || student) over action bins for discrete heads.
    /// </summary>
    public abstract Variable Alignment(Variable studentOutputs, Tensor teacherOutputs);

    /// <summary>
    /// Sets input statistics (e.g. state normalisation) from the demonstrations before training; no-op by default.
    /// </summary>
    public virtual void FitNormalization(Envs.Demonstrations demos) => ArgumentNullException.ThrowIfNull(demos);

    /// <summary>The env action for one row of outputs (clamped to the action bounds).</summary>
    public abstract float[] ToAction(Tensor outputs, int row);

    /// <summary>
    /// Policies with several observation parts take batches through <see cref="Predict"/>; state-only policies override
    /// this.
    /// </summary>
    public override Variable Forward(Variable input) =>
        throw new InvalidOperationException(
            $"{GetType().Name} reads several observation parts; call Predict(PolicyBatch) instead of Forward.");
}
