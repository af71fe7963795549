namespace Qail.Envs.MuJoCo;

/// <summary>
/// The MJCF models that ship inside Qail, and the path of MuJoCo's own humanoid installed by libmujoco-samples.
/// </summary>
public static class MujocoModels
{
    /// <summary>Where Debian's libmujoco-samples installs MuJoCo's humanoid (loaded from there, not copied).</summary>
    public const string HumanoidPath = "/usr/share/mujoco/model/humanoid/humanoid.xml";

    /// <summary>The MJCF text of a bundled model: walker, hopper, cheetah, finger or cartpole.</summary>
    /// <exception cref="ArgumentException">No bundled model has that name.</exception>
    public static string Xml(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var assembly = typeof(MujocoModels).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Qail.Envs.MuJoCo.Models.{name}.xml")
            ?? throw new ArgumentException($"MujocoModels: no bundled model '{name}'.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Compiles a bundled model.</summary>
    public static MujocoModel Load(string name) => MujocoModel.FromXml(Xml(name));

    /// <summary>Compiles MuJoCo's installed humanoid.</summary>
    /// <exception cref="MujocoUnavailableException">MuJoCo or libmujoco-samples is not installed.</exception>
    public static MujocoModel LoadHumanoid()
    {
        _ = Mujoco.Layout;
        if (!File.Exists(HumanoidPath))
            throw new MujocoUnavailableException(
                $"{HumanoidPath} is missing; install it with `apt-get install libmujoco-samples`");
        return MujocoModel.FromFile(HumanoidPath);
    }
}
