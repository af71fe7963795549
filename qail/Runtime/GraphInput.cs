using System.Text.Json;
using Qail.Envs;

namespace Qail.Runtime;

/// <summary>What part of an observation a graph input carries.</summary>
public enum GraphInputKind
{
    /// <summary>The state vector as is.</summary>
    State,
    /// <summary>The image as float32 channel planes (C, H, W) in [0, 1], as the policies read it in training.</summary>
    Image,
    /// <summary>The instruction's token ids, as floats.</summary>
    Instruction,
    /// <summary>The high-level command index, as one float.</summary>
    Command,
}

/// <summary>
/// One input of a deployed policy's graph and how it is filled from an <see cref="Observation"/>, checking the
/// observation on every step (lengths, finite values, token and command ranges) before anything runs.
/// </summary>
/// <param name="Kind">Which part of the observation.</param>
/// <param name="Size">Floats the input holds.</param>
/// <param name="Shape">Image: (channels, height, width); instruction: (length); state: (size); command: (1).</param>
/// <param name="Range">Exclusive upper bound of token ids or command indices (0 for state and image).</param>
internal sealed record GraphInput(GraphInputKind Kind, int Size, int[] Shape, int Range)
{
    public static GraphInput State(int size) => Make(GraphInputKind.State, [size], 0);

    public static GraphInput Image(int channels, int height, int width) => Make(GraphInputKind.Image, [channels, height, width], 0);

    public static GraphInput Instruction(int length, int vocabulary) => Make(GraphInputKind.Instruction, [length], vocabulary);

    public static GraphInput Command(int commands) => Make(GraphInputKind.Command, [1], commands);

    /// <summary>The input of an env's observation part, or null when the env's spec lacks that part.</summary>
    public static GraphInput For(GraphInputKind kind, EnvSpec spec) => kind switch
    {
        GraphInputKind.State => State(spec.StateSize),
        GraphInputKind.Image when spec.Image is ImageSpec i => Image(i.Channels, i.Height, i.Width),
        GraphInputKind.Instruction when spec.Instruction is InstructionSpec s => Instruction(s.Length, s.VocabularySize),
        GraphInputKind.Command when spec.CommandCount > 0 => Command(spec.CommandCount),
        _ => throw new ArgumentException($"GraphInput: the env's observations have no {kind} part.", nameof(kind)),
    };

    /// <summary>Why <paramref name="spec"/>'s observations do not fit this input, or null when they do.</summary>
    public string? Mismatch(EnvSpec spec)
    {
        var expected = Kind switch
        {
            GraphInputKind.State => spec.StateSize > 0 ? State(spec.StateSize) : null,
            GraphInputKind.Image => spec.Image is ImageSpec i ? Image(i.Channels, i.Height, i.Width) : null,
            GraphInputKind.Instruction => spec.Instruction is InstructionSpec s ? Instruction(s.Length, s.VocabularySize) : null,
            _ => spec.CommandCount > 0 ? Command(spec.CommandCount) : null,
        };
        if (expected is null) return $"the policy reads a {Describe()} the env does not provide";
        return expected.Shape.AsSpan().SequenceEqual(Shape) && expected.Range == Range ? null
            : $"the policy reads a {Describe()} where the env provides a {expected.Describe()}";
    }

    /// <summary>Copies this input's part of <paramref name="observation"/> into <paramref name="destination"/>.</summary>
    public void Fill(Observation observation, Span<float> destination)
    {
        switch (Kind)
        {
            case GraphInputKind.State:
                var state = observation.State ?? throw Missing("state vector");
                CheckLength("state", state.Length);
                for (int i = 0; i < state.Length; i++)
                    if (!float.IsFinite(state[i])) throw new ArgumentException($"IntegerPolicy.Act: observation state[{i}] = {state[i]} is not finite.", nameof(observation));
                state.CopyTo(destination);
                break;
            case GraphInputKind.Image:
                var image = observation.Image ?? throw Missing("image");
                CheckLength("image", image.Length);
                int channels = Shape[0], plane = Shape[1] * Shape[2];
                for (int p = 0; p < plane; p++)
                    for (int c = 0; c < channels; c++) destination[c * plane + p] = image[p * channels + c] / 255f;
                break;
            case GraphInputKind.Instruction:
                var words = observation.Instruction ?? throw Missing("instruction");
                CheckLength("instruction", words.Length);
                for (int i = 0; i < words.Length; i++) destination[i] = InRange("instruction token", i, words[i]);
                break;
            default:
                destination[0] = InRange("command", 0, observation.Command ?? throw Missing("command"));
                break;
        }
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("kind", Name(Kind));
        json.WriteStartArray("shape");
        foreach (int size in Shape) json.WriteNumberValue(size);
        json.WriteEndArray();
        json.WriteNumber("range", Range);
        json.WriteEndObject();
    }

    /// <summary>Reads an input written by <see cref="Write"/>; null with <paramref name="problem"/> set when it is malformed.</summary>
    public static GraphInput? Read(JsonElement element, out string? problem)
    {
        problem = null;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array || shapeElement.GetArrayLength() is < 1 or > 3
            || !element.TryGetProperty("range", out var rangeElement) || !rangeElement.TryGetInt32(out int range))
        {
            problem = "an input is not an object with \"kind\", \"shape\" (1..3 sizes) and \"range\".";
            return null;
        }
        var kind = Enum.GetValues<GraphInputKind>().Where(k => Name(k) == kindElement.GetString()).Cast<GraphInputKind?>().FirstOrDefault();
        var shape = new int[shapeElement.GetArrayLength()];
        int index = 0;
        foreach (var size in shapeElement.EnumerateArray())
            shape[index++] = size.TryGetInt32(out int s) && s is >= 1 and <= RuntimeLimits.MaxWidth ? s : 0;
        GraphInput? input = kind switch
        {
            _ when shape.Contains(0) || range is < 0 or > RuntimeLimits.MaxWidth => null,
            GraphInputKind.State when shape.Length == 1 && range == 0 => State(shape[0]),
            GraphInputKind.Image when shape.Length == 3 && range == 0 && (long)shape[0] * shape[1] * shape[2] <= RuntimeLimits.MaxValues => Image(shape[0], shape[1], shape[2]),
            GraphInputKind.Instruction when shape.Length == 1 && range >= 1 => Instruction(shape[0], range),
            GraphInputKind.Command when shape is [1] && range >= 1 => Command(range),
            _ => null,
        };
        if (input is null) problem = $"input \"{kindElement.GetString()}\" with shape [{string.Join(", ", shape)}] and range {range} is not a known input kind of valid shape.";
        return input;
    }

    /// <summary>"state[3]", "image[5x64x64]", for messages and logs.</summary>
    public string Describe() => $"{Name(Kind)}[{string.Join("x", Shape)}]";

    private static GraphInput Make(GraphInputKind kind, int[] shape, int range)
    {
        foreach (int size in shape)
            if (size < 1) throw new ArgumentException($"GraphInput: {kind} shape [{string.Join(", ", shape)}] must be positive.", nameof(shape));
        if (kind is GraphInputKind.Instruction or GraphInputKind.Command && range < 1)
            throw new ArgumentException($"GraphInput: {kind} needs a positive range of ids, got {range}.", nameof(range));
        return new GraphInput(kind, shape.Aggregate(1, (a, b) => a * b), shape, range);
    }

    private static string Name(GraphInputKind kind) => kind.ToString().ToLowerInvariant();

    private void CheckLength(string part, int length)
    {
        if (length != Size) throw new ArgumentException($"IntegerPolicy.Act: observation {part} has {length} values, the policy reads {Size}.", "observation");
    }

    private float InRange(string part, int index, int value) => (uint)value < (uint)Range ? value
        : throw new ArgumentException($"IntegerPolicy.Act: observation {part} {index} = {value} lies outside 0..{Range - 1}.", "observation");

    private static ArgumentException Missing(string part) => new($"IntegerPolicy.Act: the observation has no {part}.", "observation");
}
