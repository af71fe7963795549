namespace Qail.Envs;

/// <summary>One observation; parts not in the env's <see cref="EnvSpec"/> are null.</summary>
/// <param name="State">Proprioceptive / state vector (physics control, gripper state, ego speed).</param>
/// <param name="Image">Image as H x W x C bytes, row-major (bird's-eye raster, tabletop camera).</param>
/// <param name="Instruction">Instruction token ids, padded to the spec's length with 0.</param>
/// <param name="Command">High-level command index (driving: follow, left, right, straight).</param>
public sealed record Observation(float[]? State, byte[]? Image = null, int[]? Instruction = null, int? Command = null);
