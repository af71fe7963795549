namespace Qail.Envs.Rendering;

/// <summary>
/// Plays one episode under a controller and keeps rendered frames, for a GIF or a PNG strip of what happened.
/// </summary>
public static class EpisodeRecorder
{
    /// <summary>
    /// Resets <paramref name="env"/> with <paramref name="seed"/>, steps it with <paramref name="act"/> (given the env
    /// and its latest observation) until the episode ends (or after <paramref name="maxSteps"/> steps when positive),
    /// and returns the frames after reset and after every <paramref name="frameEvery"/>-th step (the last step always
    /// included).
    /// </summary>
    public static List<RgbFrame> Record(IEnv env, Func<IEnv, Observation, float[]> act, int seed, int frameEvery = 1,
        int maxSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(act);
        if (frameEvery <= 0)
            throw new ArgumentException($"EpisodeRecorder.Record: frameEvery must be positive, got {frameEvery}.",
                nameof(frameEvery));
        if (maxSteps < 0)
            throw new ArgumentException(
                $"EpisodeRecorder.Record: maxSteps must be 0 (whole episode) or positive, got {maxSteps}.",
                nameof(maxSteps));
        var observation = env.Reset(seed);
        var frames = new List<RgbFrame> { env.Render() };
        for (int step = 1; ; step++)
        {
            var result = env.Step(act(env, observation));
            observation = result.Observation;
            bool last = result.Done || step == maxSteps;
            if (last || step % frameEvery == 0) frames.Add(env.Render());
            if (last) return frames;
        }
    }

    /// <summary>Records an episode of the env's registered expert and writes it as an animated GIF.</summary>
    public static void WriteExpertGif(string envName, int seed, string path, int frameEvery = 5,
        int delayCentiseconds = 5)
    {
        var env = Env.Make(envName, seed);
        var expert = Expert.For(env);
        GifWriter.Write(path, Record(env, (e, _) => expert.Act(e), seed, frameEvery), delayCentiseconds);
    }
}
