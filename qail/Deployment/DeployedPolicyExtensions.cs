using Qail.Envs;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Deployment;

/// <summary>Wraps deployed policies for the envs.</summary>
public static class DeployedPolicyExtensions
{
    /// <summary><paramref name="deployed"/> as an <see cref="IPolicy"/> (see <see cref="DeployedPolicyAdapter"/>).</summary>
    public static DeployedPolicyAdapter AsPolicy(this IDeployedPolicy deployed) => new(deployed);

    /// <summary>The action for one env <paramref name="observation"/>, in a new array.</summary>
    public static float[] Act(this IDeployedPolicy deployed, Observation observation)
    {
        ArgumentNullException.ThrowIfNull(deployed);
        var action = new float[deployed.ActionSize];
        deployed.Act(EnvInputs.From(observation), action);
        return action;
    }
}
