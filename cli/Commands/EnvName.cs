using Qail.Envs;

namespace Qail.Cli.Commands;

/// <summary>
/// Env names given on the command line, checked against the registry with the option named in the error.
/// </summary>
internal static class EnvName
{
    /// <summary>Returns <paramref name="name"/> when registered; otherwise throws listing the known names.</summary>
    public static string Require(string name, string option = "--env") =>
        Env.Names.Contains(name, StringComparer.Ordinal)
            ? name
            : throw new ArgumentException(
                $"{option}: unknown environment '{name}' (see `qail envs`). Known: {string.Join(", ", Env.Names)}.");
}
