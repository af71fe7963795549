using Qail.Envs;

namespace Qail.Policies;

/// <summary>
/// A policy that also acts on several observations at once, one per independent episode, so closed-loop evaluation
/// runs the network once per step for many episodes. Row i of <see cref="ActBatch"/> equals
/// <see cref="IPolicy.Act"/> of observation i; <see cref="IPolicy.Replicate"/> returns another batch policy.
/// </summary>
public interface IBatchPolicy : IPolicy
{
    /// <summary>One action per observation, in the env's action layout.</summary>
    float[][] ActBatch(IReadOnlyList<Observation> observations);
}
