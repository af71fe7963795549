namespace Qail.Envs;

/// <summary>One line of the registry: a name, what it is, how to build the env and its expert.</summary>
/// <param name="Name">Registry name, e.g. "cartpole-balance".</param>
/// <param name="Description">One-line description shown by <see cref="Env.Describe"/>.</param>
/// <param name="Create">Builds a fresh, not yet reset instance.</param>
/// <param name="Expert">Builds the privileged expert for an instance created by <paramref name="Create"/>.</param>
public sealed record EnvRegistration(string Name, string Description, Func<IEnv> Create, Func<IEnv, IExpert> Expert);
