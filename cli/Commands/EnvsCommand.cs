using System.CommandLine;
using Qail.Envs;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>`qail envs`: the registered environments, what they observe and what they are.</summary>
internal static class EnvsCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("envs",
            "List the built-in environments with their observations, actions and descriptions.");
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            var table = new Table().AddColumns("env", "observation", "actions", "policy family", "description");
            foreach (var registration in Env.Registrations)
            {
                EnvSpec spec;
                try
                {
                    spec = registration.Create().Spec;
                }
                catch (Qail.Envs.MuJoCo.MujocoUnavailableException e)
                {
                    // Listed all the same, so users learn the task exists and what it needs.
                    table.AddRow(Markup.Escape(registration.Name), "-", "-", "-",
                        Markup.Escape($"{registration.Description} {e.Message}"));
                    continue;
                }
                string observation = string.Join(" + ", new[]
                {
                    spec.Image is { } image ? $"{image.Height}x{image.Width}x{image.Channels} image" : null,
                    spec.StateSize > 0 ? $"{spec.StateSize} state" : null,
                    spec.Instruction is { } instruction ? $"{instruction.Length}-token instruction" : null,
                    spec.CommandCount > 0 ? $"{spec.CommandCount} commands" : null,
                }.OfType<string>());
                table.AddRow(Markup.Escape(registration.Name), Markup.Escape(observation), $"{spec.Action.Size}",
                    Policies.PolicyFactory.FamilyFor(spec), Markup.Escape(registration.Description));
            }
            console.Write(table);
            return 0;
        }));
        return command;
    }
}
