using System.CommandLine;
using Qail.Envs;
using Qail.Envs.Rendering;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail render`: one episode of a policy (or of the expert) as an animated GIF and optionally a PNG strip.
/// </summary>
internal static class RenderCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var env = new Option<string?>("--env") { Description =
            "Environment (default: the checkpoint's; required for the expert or a deployed policy)." };
        var policy =
            new Option<string?>("--policy") { Description = "Policy file to run; the env's expert when omitted." };
        var seed = new Option<int>("--seed") { Description = "Seed of the episode.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Animated GIF to write.", Required = true };
        var strip = new Option<string?>("--strip") { Description =
            "PNG contact sheet of evenly spaced frames to write as well." };
        var stripFrames = new Option<int>("--strip-frames") { Description =
            "Frames in the PNG strip.", DefaultValueFactory = _ => 8 }.Within(1, OptionLimits.StripFrames);
        var every = new Option<int>("--frame-every") { Description =
            "Keep a frame every this many steps.", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var steps = new Option<int>("--steps")
        {
            Description = "End the episode after this many steps (a slow expert's glimpse); 0: the whole episode.",
            DefaultValueFactory = _ => 0,
        }.Within(0, OptionLimits.EpisodeSteps);
        var delay = new Option<int>("--delay") { Description = "GIF frame delay in centiseconds.", DefaultValueFactory =
            _ => 5 }.Within(1, 65535);
        var command = new Command("render",
            "Record one episode of a policy (or the expert) as a GIF, optionally with a PNG strip.")
        {
            env, policy, seed, output, strip, stripFrames, every, steps, delay,
        };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            string? policyPath = result.GetValue(policy) is { } given ? InputFile.Require(given, "--policy") : null;
            string gif = InputFile.Output(result.GetValue(output)!, "--out", ("--policy", policyPath));
            string? png = result.GetValue(strip) is { } s ? InputFile.Output(s, "--strip", ("--policy", policyPath),
                ("--out", gif)) : null;
            int episodeSeed = result.GetValue(seed), maxSteps = result.GetValue(steps);
            List<RgbFrame> frames;
            string actor;
            if (policyPath is not null)
            {
                var loaded = PolicyFile.Load(policyPath, "--policy");
                string envName = PolicyFile.EnvFor(loaded, result.GetValue(env));
                frames = EpisodeRecorder.Record(Env.Make(envName, episodeSeed),
                    (_, observation) => loaded.Policy.Act(observation), episodeSeed,
                    result.GetValue(every), maxSteps);
                actor = $"{loaded.Policy.Label} on {envName}";
            }
            else
            {
                string envName = EnvName.Require(result.GetValue(env) ?? throw new ArgumentException(
                    "--env: give the environment whose expert to render (or a --policy)."));
                var instance = Env.Make(envName, episodeSeed);
                var expert = Expert.For(instance);
                frames = EpisodeRecorder.Record(instance, (e, _) => expert.Act(e), episodeSeed, result.GetValue(every),
                    maxSteps);
                actor = $"expert on {envName}";
            }
            GifWriter.Write(gif, frames, result.GetValue(delay));
            console.MarkupLine($"{Markup.Escape(actor)}: {frames.Count} frames -> {Markup.Escape(gif)}");
            if (png is not null)
            {
                int count = Math.Min(result.GetValue(stripFrames), frames.Count);
                var chosen = Enumerable.Range(0, count).Select(i => frames[count == 1
                    ? 0 : (int)((long)i * (frames.Count - 1) / (count - 1))]).ToList();
                PngWriter.Write(png, FrameStrip.Tile(chosen, count));
                console.MarkupLine($"strip of {count} frames -> {Markup.Escape(png)}");
            }
            return 0;
        }));
        return command;
    }
}
