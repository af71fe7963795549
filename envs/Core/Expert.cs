namespace Qail.Envs;

/// <summary>Looks up the privileged expert controller of a registered environment.</summary>
public static class Expert
{
    /// <summary>The expert registered for <paramref name="env"/>'s name, bound to that instance.</summary>
    /// <exception cref="ArgumentException">The env's name is not registered.</exception>
    public static IExpert For(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return Env.Lookup(env.Name).Expert(env);
    }
}
