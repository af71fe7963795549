using Qail.Envs;
using Qail.Runtime;

namespace Qail.Deployment;

/// <summary>
/// Where an env's observations meet a deployed policy's graph inputs: the input each observation part becomes, the
/// check that a policy fits an env, and one observation as a step's <see cref="PolicyInputs"/>.
/// </summary>
public static class EnvInputs
{
    /// <summary>The graph input of an env's observation part; throws when the env's spec lacks that part.</summary>
    internal static GraphInput For(GraphInputKind kind, EnvSpec spec) => Expected(kind, spec)
        ?? throw new ArgumentException($"EnvInputs: the env's observations have no {kind} part.", nameof(kind));

    /// <summary>Why <paramref name="policy"/> cannot act in an env of <paramref name="spec"/>, or null when it
    /// can.</summary>
    public static string? Mismatch(IDeployedPolicy policy, EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(spec);
        foreach (var input in policy.Inputs)
        {
            var expected = Expected(input.Kind, spec);
            if (expected is null) return $"the policy reads a {input.Describe()} the env does not provide";
            if (!expected.Equals(input))
                return $"the policy reads a {input.Describe()} where the env provides a {expected.Describe()}";
        }
        return policy.ActionSize == spec.Action.Size ? null
            : $"the policy writes {policy.ActionSize} actions, the env takes {spec.Action.Size}";
    }

    /// <summary>The step inputs of <paramref name="observation"/> (views of its arrays; nothing is copied).</summary>
    public static PolicyInputs From(Observation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        return new PolicyInputs
        {
            State = observation.State,
            Image = observation.Image,
            Instruction = observation.Instruction,
            Command = observation.Command,
        };
    }

    private static GraphInput? Expected(GraphInputKind kind, EnvSpec spec) => kind switch
    {
        GraphInputKind.State when spec.StateSize > 0 => GraphInput.State(spec.StateSize),
        GraphInputKind.Image when spec.Image is ImageSpec i => GraphInput.Image(i.Channels, i.Height, i.Width),
        GraphInputKind.Instruction when spec.Instruction is InstructionSpec s => GraphInput.Instruction(s.Length,
            s.VocabularySize),
        GraphInputKind.Command when spec.CommandCount > 0 => GraphInput.Command(spec.CommandCount),
        _ => null,
    };
}
