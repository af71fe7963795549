using Qail.Policies;

namespace Qail.Cli.Commands;

/// <summary>
/// A policy read from a file: runnable <see cref="Policy"/>; for a full-precision checkpoint also its network and env.
/// </summary>
/// <param name="Path">The file it came from.</param>
/// <param name="Policy">The policy, ready to act.</param>
/// <param name="Network">The full-precision network (null for a deployed integer policy).</param>
/// <param name="EnvName">The env the checkpoint was trained on (null for a deployed policy).</param>
/// <param name="Precision">"FP32" or the deployed weight format, e.g. "W4g32".</param>
/// <param name="ModelBytes">Bytes of the parameters as stored.</param>
internal sealed record LoadedPolicy(string Path, IPolicy Policy, PolicyNetwork? Network, string? EnvName,
    string Precision, long ModelBytes);
