namespace Qail.Envs;

/// <summary>A privileged controller that reads the env's true state and returns the action to take now.</summary>
public interface IExpert
{
    /// <summary>Action for the env's current state (the env must have been reset).</summary>
    float[] Act(IEnv env);
}
