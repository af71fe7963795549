using Qail.Envs;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Deployment;

/// <summary>
/// A deployed policy (CPU runtime or GPU executor) as an <see cref="IPolicy"/> of the envs: each observation becomes
/// the step's <see cref="PolicyInputs"/> without a copy. Disposing it disposes the deployed policy when that holds
/// resources (a GPU policy's arena).
/// </summary>
public sealed class DeployedPolicyAdapter : IPolicy, IDisposable
{
    /// <summary>Wraps <paramref name="deployed"/>.</summary>
    public DeployedPolicyAdapter(IDeployedPolicy deployed) =>
        Deployed = deployed ?? throw new ArgumentNullException(nameof(deployed));

    /// <summary>The wrapped policy.</summary>
    public IDeployedPolicy Deployed { get; }

    /// <inheritdoc/>
    public string Label => Deployed.Label;

    /// <inheritdoc/>
    public float[] Act(Observation observation) => Deployed.Act(observation);

    /// <inheritdoc/>
    public IPolicy Replicate() => new DeployedPolicyAdapter(Deployed.Replicate());

    /// <inheritdoc/>
    public void Dispose() => (Deployed as IDisposable)?.Dispose();
}
