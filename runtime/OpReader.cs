using System.Text.Json;
using Qail.Engine;
using Qail.Engine.Serialization;

namespace Qail.Runtime;

/// <summary>
/// Reads one op's attributes from the policy file's JSON config and its tensors from the archive, checking each
/// attribute's type and range and each tensor's dtype and shape; records which tensors were used.
/// </summary>
internal sealed class OpReader(JsonElement op, IReadOnlyDictionary<string, Tensor> tensors, string prefix,
    ISet<string> used, WorkingMemory memory)
{
    /// <summary>"ops.{index}", for messages.</summary>
    public string Where { get; } = prefix.TrimEnd('.');

    public int Int(string name, int min, int max)
    {
        if (!op.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number
            || !value.TryGetInt32(out int v))
            throw Problem($"attribute '{name}' is missing or not an integer (found {Found(value)}).");
        if (v < min || v > max) throw Problem($"attribute '{name}' = {v} lies outside {min}..{max}.");
        return v;
    }

    /// <summary>
    /// Charges an op's scratch (<paramref name="bytes"/>, from checked sizes) before the op allocates it.
    /// </summary>
    public void Reserve(long bytes, string what) => memory.Reserve(bytes, $"{Where} ({what})");

    public bool Bool(string name)
    {
        if (!op.TryGetProperty(name, out var value)
            || value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw Problem($"attribute '{name}' is missing or not a boolean (found {Found(value)}).");
        return value.GetBoolean();
    }

    public bool Has(string tensorName) => tensors.ContainsKey(prefix + tensorName);

    /// <summary>The tensor <paramref name="name"/> of this op, which must have the given dtype and shape.</summary>
    public Tensor Tensor(string name, DType dtype, int[] shape)
    {
        string full = prefix + name;
        if (!tensors.TryGetValue(full, out var tensor))
            throw new CheckpointException(CheckpointProblem.MissingKeys, full,
                $"{Where} needs this tensor; the file lacks it.");
        if (tensor.DType != dtype)
            throw new CheckpointException(CheckpointProblem.DTypeMismatch, full,
                $"dtype {tensor.DType.Name()} where {Where} needs {dtype.Name()}.");
        if (!Shapes.Equal(tensor.ShapeSpan, shape))
            throw new CheckpointException(CheckpointProblem.ShapeMismatch, full,
                $"shape {Shapes.Format(tensor.ShapeSpan)} where {Where}'s config needs {Shapes.Format(shape)}.");
        used.Add(full);
        return tensor;
    }

    /// <summary>A float tensor whose values must all be finite.</summary>
    public float[] Finite(string name, int[] shape)
    {
        var values = Tensor(name, DType.Float32, shape).ToArray<float>();
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new CheckpointException(CheckpointProblem.MalformedHeader, prefix + name,
                    $"element {i} = {values[i]} is not finite.");
        return values;
    }

    /// <summary>"a String", "a Number", or "nothing" for a missing value, for messages about type confusion.</summary>
    public static string Found(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? "nothing" : $"a {value.ValueKind}";

    public CheckpointException Problem(string message) =>
        new(CheckpointProblem.MalformedHeader, null, $"{Where}: {message}");
}
