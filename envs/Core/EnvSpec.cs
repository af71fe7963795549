namespace Qail.Envs;

/// <summary>Shape of an environment's observations and actions.</summary>
/// <param name="StateSize">Length of <see cref="Observation.State"/> (0 when absent).</param>
/// <param name="Image">Image size when observations carry one.</param>
/// <param name="Instruction">Instruction token layout when observations carry one.</param>
/// <param name="CommandCount">Number of high-level commands (0 when absent).</param>
/// <param name="Action">The action space.</param>
/// <param name="MaxSteps">Episode length at which the episode is truncated.</param>
/// <param name="TimeStep">Simulated seconds per step.</param>
public sealed record EnvSpec(
    int StateSize,
    ImageSpec? Image,
    InstructionSpec? Instruction,
    int CommandCount,
    ActionSpace Action,
    int MaxSteps,
    double TimeStep);

/// <summary>Image observation size: height x width x channels, bytes 0..255.</summary>
public sealed record ImageSpec(int Height, int Width, int Channels);

/// <summary>Instruction tokens: fixed length (0-padded) over a vocabulary of the given size.</summary>
public sealed record InstructionSpec(int Length, int VocabularySize, IReadOnlyList<string> Vocabulary);

/// <summary>Continuous action bounds per dimension; <see cref="Bins"/> &gt; 0 also offers a discretised view.</summary>
public sealed record ActionSpace(float[] Low, float[] High, int Bins = 0)
{
    public int Size => Low.Length;
}
