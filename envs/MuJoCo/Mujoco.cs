namespace Qail.Envs.MuJoCo;

/// <summary>Whether MuJoCo 2.2.2 can be used in this process, and why not when it cannot.</summary>
public static class Mujoco
{
    private static readonly Lazy<(MujocoLayout? Layout, string? Problem)> State = new(Probe);

    /// <summary>True when the library was found, is version 2.2.2 and passed the layout check.</summary>
    public static bool IsAvailable => State.Value.Problem is null;

    /// <summary>Null when available; otherwise one line saying what is missing and which package to install.</summary>
    public static string? UnavailableReason => State.Value.Problem;

    /// <summary>
    /// Null when <paramref name="version"/> (an mj_version() value) is the supported 2.2.2, else why it is refused.
    /// </summary>
    public static string? VersionProblem(int version) => MujocoNative.VersionProblem(version);

    /// <summary>
    /// The checked struct layout; throws <see cref="MujocoUnavailableException"/> when MuJoCo cannot be used.
    /// </summary>
    internal static MujocoLayout Layout =>
        State.Value.Layout ?? throw new MujocoUnavailableException(State.Value.Problem!);

    private static (MujocoLayout?, string?) Probe()
    {
        if (MujocoNative.Problem is { } problem) return (null, problem);
        try
        {
            return (MujocoLayout.Discover(), null);
        }
        catch (InvalidOperationException e)
        {
            return (null, e.Message);
        }
    }
}

/// <summary>MuJoCo is not installed, is another version, or failed the layout check; the message says which.</summary>
public sealed class MujocoUnavailableException(string reason)
    : InvalidOperationException($"MuJoCo is not usable: {reason.TrimEnd('.')}.");
