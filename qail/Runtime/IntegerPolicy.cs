using System.Text;
using System.Text.Json;
using Qail.Engine;
using Qail.Envs;
using Qail.Kernels.Cpu;
using Qail.Nn.Checkpoints;
using Qail.Policies;
using SafeTensors = Qail.Nn.Checkpoints.SafeTensors;

namespace Qail.Runtime;

/// <summary>
/// A deployed policy: a chain of integer (or fp32) weight layers and float glue ops over preallocated buffers, run at
/// batch 1 on one thread. <see cref="Act"/> allocates nothing but the returned action. Saves to and loads from one
/// safetensors file (codes, scales, zero points, biases, normalisation; the graph as JSON in "__metadata__").
/// </summary>
public sealed class IntegerPolicy : IPolicy
{
    /// <summary>The "__metadata__" key holding the graph's JSON config.</summary>
    public const string ConfigKey = "qail.integer_policy";

    private const string Format = "qail-integer-policy";
    private const int FormatVersion = 1;

    private readonly RuntimeOp[] _ops;
    private readonly float[] _input;
    private readonly float[][] _buffers;
    private readonly Action _forward;

    internal IntegerPolicy(string label, string precision, IReadOnlyList<RuntimeOp> ops)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        if (ops.Count == 0) throw new ArgumentException("IntegerPolicy: the graph holds no ops.", nameof(ops));
        for (int i = 1; i < ops.Count; i++)
            if (ops[i].InputSize != ops[i - 1].OutputSize)
                throw new ArgumentException($"IntegerPolicy: op {i} ({ops[i].Kind}) takes {ops[i].InputSize} inputs but op {i - 1} ({ops[i - 1].Kind}) gives {ops[i - 1].OutputSize}.", nameof(ops));
        (Label, Precision, _ops) = (label, precision, [.. ops]);
        _input = new float[_ops[0].InputSize];
        _buffers = Array.ConvertAll(_ops, op => new float[op.OutputSize]);
        _forward = Forward;
    }

    /// <inheritdoc/>
    public string Label { get; }

    /// <summary>The weight format, e.g. "FP32", "W4g32", "W8A8".</summary>
    public string Precision { get; }

    /// <summary>Observation state length the policy reads.</summary>
    public int StateSize => _input.Length;

    /// <summary>Action length the policy writes.</summary>
    public int ActionSize => _buffers[^1].Length;

    /// <summary>Bytes of the deployed parameters as stored: weight codes (4-bit packed or 8-bit), scales, zero points, biases, normalisation.</summary>
    public long ModelBytes => _ops.Sum(op => op.ParameterBytes);

    /// <summary>One line per op: kind, shape and the kernel that runs it.</summary>
    public IReadOnlyList<string> Describe() => _ops.Select(op => op.Describe()).ToList();

    /// <inheritdoc/>
    public float[] Act(Observation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var state = observation.State ?? throw new ArgumentException("IntegerPolicy.Act: the observation has no state vector.", nameof(observation));
        if (state.Length != _input.Length)
            throw new ArgumentException($"IntegerPolicy.Act: observation state has {state.Length} values, the policy reads {_input.Length}.", nameof(observation));
        for (int i = 0; i < state.Length; i++)
            if (!float.IsFinite(state[i])) throw new ArgumentException($"IntegerPolicy.Act: observation state[{i}] = {state[i]} is not finite.", nameof(observation));
        state.CopyTo(_input, 0);
        // Batch 1 is a GEMV: waking worker threads costs more than it saves; parallelism is across policy replicas.
        KernelThreads.With(1, _forward);
        var action = new float[ActionSize];
        _buffers[^1].CopyTo(action, 0);
        return action;
    }

    /// <inheritdoc/>
    public IPolicy Replicate() => new IntegerPolicy(Label, Precision, _ops.Select(op => op.Replicate()).ToList());

    /// <summary>Writes the policy to one safetensors file (atomically: temporary file, then rename).</summary>
    public void Save(string path)
    {
        var (tensors, metadata) = Encode();
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>The safetensors encoding of the policy, as <see cref="Save"/> writes it.</summary>
    public byte[] ToBytes()
    {
        var (tensors, metadata) = Encode();
        return SafeTensors.Serialize(tensors, metadata);
    }

    /// <summary>
    /// Loads a policy file, validating it as untrusted input (header bound, dtypes, offsets, every tensor's shape
    /// against the config, value ranges, no unknown tensors); throws <see cref="CheckpointException"/> naming the fault.
    /// </summary>
    public static IntegerPolicy Load(string path) => Decode(SafeTensors.Load(path));

    /// <summary>Decodes bytes written by <see cref="ToBytes"/>, with the same validation as <see cref="Load"/>.</summary>
    public static IntegerPolicy FromBytes(ReadOnlySpan<byte> bytes) => Decode(SafeTensors.Deserialize(bytes));

    private void Forward()
    {
        ReadOnlySpan<float> x = _input;
        for (int i = 0; i < _ops.Length; i++)
        {
            _ops[i].Run(x, _buffers[i]);
            x = _buffers[i];
        }
    }

    private (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Encode()
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", FormatVersion);
            json.WriteString("label", Label);
            json.WriteString("precision", Precision);
            json.WriteNumber("state_size", StateSize);
            json.WriteNumber("action_size", ActionSize);
            json.WriteStartArray("ops");
            for (int i = 0; i < _ops.Length; i++)
            {
                json.WriteStartObject();
                json.WriteString("kind", _ops[i].Kind);
                _ops[i].Write(new OpWriter(json, tensors, $"ops.{i}."));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return (tensors, new Dictionary<string, string> { [ConfigKey] = Encoding.UTF8.GetString(buffer.ToArray()) });
    }

    private static IntegerPolicy Decode(SafeTensorsArchive archive)
    {
        if (!archive.Metadata.TryGetValue(ConfigKey, out var config))
            throw Malformed($"the file has no \"{ConfigKey}\" entry in __metadata__; it is not an integer policy.");
        if (Encoding.UTF8.GetByteCount(config) > RuntimeLimits.MaxConfigBytes)
            throw Malformed($"the config is longer than {RuntimeLimits.MaxConfigBytes} bytes.");
        JsonDocument document;
        try { document = JsonDocument.Parse(config, new JsonDocumentOptions { MaxDepth = 4 }); }
        catch (JsonException e) { throw Malformed($"the config is not well-formed JSON ({e.Message})."); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Malformed("the config is not a JSON object.");
            if (String(root, "format") != Format) throw Malformed($"the config's format is not \"{Format}\".");
            if (!root.TryGetProperty("version", out var version) || !version.TryGetInt32(out int v) || v != FormatVersion)
                throw Malformed($"the config's version is not {FormatVersion}.");
            string label = String(root, "label"), precision = String(root, "precision");
            if (label.Length == 0) throw Malformed("the config's label is empty.");
            if (!root.TryGetProperty("ops", out var opsElement) || opsElement.ValueKind != JsonValueKind.Array)
                throw Malformed("the config has no \"ops\" array.");
            int count = opsElement.GetArrayLength();
            if (count is < 1 or > RuntimeLimits.MaxOps) throw Malformed($"the config lists {count} ops; expected 1..{RuntimeLimits.MaxOps}.");
            var used = new HashSet<string>(StringComparer.Ordinal);
            var ops = new List<RuntimeOp>(count);
            foreach (var element in opsElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object) throw Malformed($"op {ops.Count} is not a JSON object.");
                var reader = new OpReader(element, archive.Tensors, $"ops.{ops.Count}.", used);
                ops.Add(ReadOp(reader, String(element, "kind")));
            }
            var unknown = archive.Tensors.Keys.Where(name => !used.Contains(name)).Order(StringComparer.Ordinal).FirstOrDefault();
            if (unknown is not null) throw new CheckpointException(CheckpointProblem.UnexpectedKeys, unknown, "no op of the config reads this tensor.");
            if (!root.TryGetProperty("state_size", out var s) || !s.TryGetInt32(out int stateSize) || stateSize != ops[0].InputSize)
                throw Malformed($"state_size does not match the first op's {ops[0].InputSize} inputs.");
            if (!root.TryGetProperty("action_size", out var a) || !a.TryGetInt32(out int actionSize) || actionSize != ops[^1].OutputSize)
                throw Malformed($"action_size does not match the last op's {ops[^1].OutputSize} outputs.");
            try { return new IntegerPolicy(label, precision, ops); }
            catch (ArgumentException e) when (e is not CheckpointException) { throw Malformed(e.Message); }
        }
    }

    private static RuntimeOp ReadOp(OpReader reader, string kind)
    {
        try
        {
            return kind switch
            {
                Normalize.Name => Normalize.Read(reader),
                Relu.Name => Relu.Read(reader),
                TanhAction.Name => TanhAction.Read(reader),
                FloatLinear.Name => FloatLinear.Read(reader),
                DequantizedLinear.Name => DequantizedLinear.Read(reader),
                Int4Linear.Name => Int4Linear.Read(reader),
                Int8Linear.Name => Int8Linear.Read(reader),
                _ => throw reader.Problem($"unknown op kind \"{kind}\"."),
            };
        }
        catch (ArgumentException e) when (e is not CheckpointException) { throw reader.Problem(e.Message); }
    }

    private static string String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Malformed($"the config lacks the string \"{name}\".");

    private static CheckpointException Malformed(string message) => new(CheckpointProblem.MalformedHeader, null, $"integer policy: {message}");
}
