namespace Qail.Envs.MuJoCo;

/// <summary>Initial-state randomization as DeepMind Control's tasks do it.</summary>
public static class MujocoJoints
{
    /// <summary>
    /// DeepMind Control's <c>randomize_limited_and_rotational_joints</c>: limited hinges and slides uniform in their
    /// range, unlimited hinges uniform in [-pi, pi), free and ball joints a uniformly random orientation; unlimited
    /// slides and free-joint positions are left as they are.
    /// </summary>
    public static void RandomizeLimitedAndRotational(MujocoModel model, MujocoData data, SplitMix64 rng)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rng);
        var type = model.JointType;
        var range = model.JointRange;
        var address = model.JointQposAddress;
        var qpos = data.Qpos;
        for (int j = 0; j < model.JointCount; j++)
        {
            double low = range[2 * j], high = range[2 * j + 1];
            bool limited = low < high;
            int a = address[j];
            switch (type[j])
            {
                case 0: RandomQuaternion(rng, qpos.Slice(a + 3, 4)); break;
                case 1: RandomQuaternion(rng, qpos.Slice(a, 4)); break;
                case 2: if (limited) qpos[a] = rng.Uniform(low, high); break;
                case 3: qpos[a] = limited ? rng.Uniform(low, high) : rng.Uniform(-Math.PI, Math.PI); break;
            }
        }
    }

    /// <summary>Initial states drawn at most before giving up (DMC: 1000).</summary>
    public const int MaxDraws = 1000;

    /// <summary>
    /// DeepMind Control's collision-free start (finger, humanoid): <paramref name="draw"/> a state, run a forward
    /// pass, and draw again while MuJoCo finds a contact.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="MaxDraws"/> draws all touched.</exception>
    public static void DrawApart(string task, MujocoData data, SplitMix64 rng, Action<SplitMix64, MujocoData> draw)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(draw);
        for (int attempt = 1; attempt <= MaxDraws; attempt++)
        {
            draw(rng, data);
            data.Forward();
            if (data.ContactCount == 0) return;
        }
        throw new InvalidOperationException($"{task}: {MaxDraws} initial states drawn, all in contact.");
    }

    private static void RandomQuaternion(SplitMix64 rng, Span<double> q)
    {
        // A normalised 4-D Gaussian is uniform on the unit sphere, i.e. a uniformly random rotation.
        double norm = 0;
        for (int i = 0; i < 4; i++) { q[i] = rng.NextGaussian(); norm += q[i] * q[i]; }
        norm = Math.Sqrt(norm);
        for (int i = 0; i < 4; i++) q[i] /= norm;
    }
}
