using System.Collections.Immutable;
using System.Text.Json;

namespace Qail.Runtime;

/// <summary>What part of a step's inputs a graph input carries.</summary>
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
/// One input of a deployed policy's graph and how it is filled from a step's <see cref="PolicyInputs"/>, checking
/// them on every step (lengths, finite values, token and command ranges) before anything runs.
/// </summary>
public sealed class GraphInput : IEquatable<GraphInput>
{
    private GraphInput(GraphInputKind kind, ImmutableArray<int> shape, int range)
    {
        (Kind, Shape, Range) = (kind, shape, range);
        Size = shape.Aggregate(1, (a, b) => a * b);
    }

    /// <summary>Which part of the step's inputs.</summary>
    public GraphInputKind Kind { get; }

    /// <summary>Floats the input holds.</summary>
    public int Size { get; }

    /// <summary>Image: (channels, height, width); instruction: (length); state: (size); command: (1).</summary>
    public ImmutableArray<int> Shape { get; }

    /// <summary>Exclusive upper bound of token ids or command indices (0 for state and image).</summary>
    public int Range { get; }

    internal static GraphInput State(int size) => Make(GraphInputKind.State, [size], 0);

    internal static GraphInput Image(int channels, int height, int width) =>
        Make(GraphInputKind.Image, [channels, height, width], 0);

    internal static GraphInput Instruction(int length, int vocabulary) =>
        Make(GraphInputKind.Instruction, [length], vocabulary);

    internal static GraphInput Command(int commands) => Make(GraphInputKind.Command, [1], commands);

    /// <summary>Copies this input's part of <paramref name="inputs"/> into <paramref name="destination"/>.</summary>
    internal void Fill(in PolicyInputs inputs, Span<float> destination)
    {
        switch (Kind)
        {
            case GraphInputKind.State:
                var state = inputs.State;
                if (state.IsEmpty) throw Missing("state vector");
                CheckLength("state", state.Length);
                for (int i = 0; i < state.Length; i++)
                {
                    if (!float.IsFinite(state[i]))
                        throw new ArgumentException($"{Act}: observation state[{i}] = {state[i]} is not finite.",
                            nameof(inputs));
                    if (Math.Abs(state[i]) > RuntimeLimits.MaxStateMagnitude)
                        throw new ArgumentException($"{Act}: observation state[{i}] = {state[i]:G} lies beyond ±"
                            + $"{RuntimeLimits.MaxStateMagnitude:G}, " +
                            "far outside any training data.", nameof(inputs));
                }
                state.CopyTo(destination);
                break;
            case GraphInputKind.Image:
                var image = CheckedImage(inputs);
                int channels = Shape[0], plane = Shape[1] * Shape[2];
                for (int p = 0; p < plane; p++)
                    for (int c = 0; c < channels; c++) destination[c * plane + p] = Pixel(image[p * channels + c]);
                break;
            case GraphInputKind.Instruction:
                var words = inputs.Instruction;
                if (words.IsEmpty) throw Missing("instruction");
                CheckLength("instruction", words.Length);
                for (int i = 0; i < words.Length; i++) destination[i] = InRange("instruction token", i, words[i]);
                break;
            default:
                destination[0] = InRange("command", 0, inputs.Command ?? throw Missing("command"));
                break;
        }
    }

    /// <summary>
    /// An image input's 8-bit HWC pixels as given, checked as <see cref="Fill"/> checks them: for a plan whose first
    /// layer reads the pixels directly (each pixel's value is <see cref="Pixel"/> of its byte).
    /// </summary>
    internal void FillPixels(in PolicyInputs inputs, Span<byte> destination) =>
        CheckedImage(inputs).CopyTo(destination);

    /// <summary>The value an image byte stands for in the graph: byte / 255 in [0, 1].</summary>
    internal static float Pixel(byte value) => value / 255f;

    private ReadOnlySpan<byte> CheckedImage(in PolicyInputs inputs)
    {
        var image = inputs.Image;
        if (image.IsEmpty) throw Missing("image");
        CheckLength("image", image.Length);
        return image;
    }

    internal void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("kind", Name(Kind));
        json.WriteStartArray("shape");
        foreach (int size in Shape) json.WriteNumberValue(size);
        json.WriteEndArray();
        json.WriteNumber("range", Range);
        json.WriteEndObject();
    }

    /// <summary>Reads an input written by <see cref="Write"/>; null with <paramref name="problem"/> set when it is
    /// malformed.</summary>
    internal static GraphInput? Read(JsonElement element, out string? problem)
    {
        problem = null;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || shapeElement.GetArrayLength() is < 1 or > 3
            || !element.TryGetProperty("range", out var rangeElement)
            || !DeployedPolicy.IsInt32(rangeElement, out int range))
        {
            problem = "an input is not an object with the string \"kind\", the array \"shape\" (1..3 sizes) and the "
                + "integer \"range\".";
            return null;
        }
        var kind = Enum.GetValues<GraphInputKind>().Where(k => Name(k) == kindElement.GetString())
            .Cast<GraphInputKind?>().FirstOrDefault();
        var shape = new int[shapeElement.GetArrayLength()];
        int index = 0;
        foreach (var size in shapeElement.EnumerateArray())
            shape[index++] = DeployedPolicy.IsInt32(size, out int s) && s is >= 1 and <= RuntimeLimits.MaxWidth ? s : 0;
        GraphInput? input = kind switch
        {
            _ when shape.Contains(0) || range is < 0 or > RuntimeLimits.MaxWidth => null,
            GraphInputKind.State when shape.Length == 1 && range == 0 => State(shape[0]),
            GraphInputKind.Image when shape.Length == 3 && range == 0
                && (long)shape[0] * shape[1] * shape[2] <= RuntimeLimits.MaxValues => Image(shape[0], shape[1],
                    shape[2]),
            GraphInputKind.Instruction when shape.Length == 1 && range >= 1 => Instruction(shape[0], range),
            GraphInputKind.Command when shape is [1] && range >= 1 => Command(range),
            _ => null,
        };
        if (input is null)
            problem = $"input \"{kindElement.GetString()}\" with shape [{string.Join(", ", shape)}] and range {range} "
                + "is not a known input kind of valid shape.";
        return input;
    }

    /// <summary>"state[3]", "image[5x64x64]", for messages and logs.</summary>
    public string Describe() => $"{Name(Kind)}[{string.Join("x", Shape)}]";

    /// <inheritdoc/>
    public override string ToString() => Describe();

    /// <inheritdoc/>
    public bool Equals(GraphInput? other) =>
        other is not null && Kind == other.Kind && Range == other.Range
            && Shape.AsSpan().SequenceEqual(other.Shape.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as GraphInput);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Size, Range);

    private const string Act = "DeployedPolicy.Act";

    private static GraphInput Make(GraphInputKind kind, int[] shape, int range)
    {
        foreach (int size in shape)
            if (size < 1)
                throw new ArgumentException($"GraphInput: {kind} shape [{string.Join(", ", shape)}] must be positive.",
                    nameof(shape));
        if (kind is GraphInputKind.Instruction or GraphInputKind.Command && range < 1)
            throw new ArgumentException($"GraphInput: {kind} needs a positive range of ids, got {range}.",
                nameof(range));
        return new GraphInput(kind, [.. shape], range);
    }

    private static string Name(GraphInputKind kind) => kind.ToString().ToLowerInvariant();

    private void CheckLength(string part, int length)
    {
        if (length != Size)
            throw new ArgumentException($"{Act}: the {part} has {length} values, the policy reads {Size}.", "inputs");
    }

    private float InRange(string part, int index, int value) => (uint)value < (uint)Range ? value
        : throw new ArgumentException($"{Act}: {part} {index} = {value} lies outside 0..{Range - 1}.", "inputs");

    private static ArgumentException Missing(string part) => new($"{Act}: the inputs have no {part}.", "inputs");
}
