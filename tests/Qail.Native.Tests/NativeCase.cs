using System.Runtime.InteropServices;
using Qail.Envs;
using Qail.Runtime;

namespace Qail.Native.Tests;

/// <summary>
/// A deployed policy saved for the examples with recorded env observations (act.c's input format) and the actions
/// the .NET API computes for them, as float bits in hex, one line per step.
/// </summary>
internal sealed record NativeCase(
    string Name, DeployedPolicy Policy, IReadOnlyList<Observation> Observations, float[] Range)
{
    /// <summary>Writes NAME.safetensors, NAME.inputs and NAME.steps into <paramref name="folder"/>.</summary>
    public void Write(string folder)
    {
        Policy.Save(Path.Combine(folder, $"{Name}.safetensors"));
        using (var inputs = File.Create(Path.Combine(folder, $"{Name}.inputs")))
            foreach (var o in Observations)
            {
                if (Policy.StateSize > 0) inputs.Write(MemoryMarshal.AsBytes(o.State.AsSpan()));
                if (Policy.ImageShape is not null) inputs.Write(o.Image);
                if (Policy.Input(GraphInputKind.Instruction) is not null)
                    inputs.Write(MemoryMarshal.AsBytes(o.Instruction.AsSpan()));
                if (Policy.Input(GraphInputKind.Command) is not null)
                    inputs.Write(BitConverter.GetBytes(o.Command ?? 0));
            }
        File.WriteAllText(Path.Combine(folder, $"{Name}.steps"), $"{Observations.Count}");
    }

    /// <summary>The .NET API's actions, formatted as the examples print them.</summary>
    public IEnumerable<string> ExpectedLines()
    {
        var action = new float[Policy.ActionSize];
        foreach (var o in Observations)
        {
            var inputs = new PolicyInputs
            {
                State = o.State, Image = o.Image, Instruction = o.Instruction, Command = o.Command,
            };
            Policy.Act(inputs, action);
            yield return string.Join(" ", action.Select(a => BitConverter.SingleToUInt32Bits(a).ToString("x8")));
        }
    }

    /// <summary>Observations along a random-action episode of <paramref name="env"/>.</summary>
    public static List<Observation> Record(string env, int steps, int seed)
    {
        var e = Env.Make(env, seed);
        var random = new Random(seed);
        var observations = new List<Observation> { e.Reset(seed) };
        while (observations.Count < steps)
        {
            var action = e.Spec.Action.Low
                .Zip(e.Spec.Action.High, (l, h) => l + (float)random.NextDouble() * (h - l)).ToArray();
            var step = e.Step(action);
            if (step.Done) break;
            observations.Add(step.Observation);
        }
        return observations;
    }
}
