using Qail.Envs;
using Qail.Policies;

namespace Qail.Training;

/// <summary>Trains a full-precision policy to imitate the expert's (clean) action labels.</summary>
public static class BehaviourCloning
{
    /// <summary>Fits <paramref name="policy"/> to <paramref name="demos"/>; returns the loss per epoch.</summary>
    public static TrainReport Train(PolicyNetwork policy, Demonstrations demos, TrainOptions options, IProgress<(int Epoch, double Loss)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(options);
        policy.FitNormalization(demos);
        return ImitationLoop.Run(policy, demos, options, lambda: 0, expertAlignment: null, extraAlignment: null, progress);
    }
}
