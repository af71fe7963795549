using System.Text;
using System.Text.Json;
using Qail.Engine;
using Qail.Engine.Serialization;
using Qail.Kernels.Cpu;

namespace Qail.Runtime;

/// <summary>
/// A deployed policy on the CPU: a graph of integer (or fp32) weight layers and float glue ops over preallocated
/// buffers, run at batch 1 on one thread. <see cref="Act(in PolicyInputs, Span{float})"/> allocates nothing. Saves to
/// and loads from one safetensors file (codes, scales, zero points, biases, normalisation; the graph as JSON in
/// "__metadata__").
/// </summary>
public sealed class DeployedPolicy : IDeployedPolicy
{
    /// <summary>The "__metadata__" key holding the graph's JSON config.</summary>
    public const string ConfigKey = "qail.integer_policy";

    private const string Format = "qail-integer-policy";
    private const int FormatVersion = 2;

    private readonly PolicyGraph _graph;
    private readonly float[][] _slots;
    private readonly int[][] _sources;
    private readonly Action _forward;

    internal DeployedPolicy(string label, string precision, PolicyGraph graph)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Nodes.Count == 0) throw new ArgumentException("DeployedPolicy: the graph holds no ops.", nameof(graph));
        (Label, Precision, _graph) = (label, precision, graph);
        _slots = new float[graph.Last + 1][];
        for (int slot = 0; slot < _slots.Length; slot++) _slots[slot] = new float[graph.SlotSize(slot)];
        _sources = graph.Nodes.Select(node => node.Sources).ToArray();
        _forward = Forward;
    }

    /// <inheritdoc/>
    public string Label { get; }

    /// <summary>The dataflow the policy runs (read by the device executor).</summary>
    internal PolicyGraph Graph => _graph;

    /// <summary>Every graph value of the last action (inputs, then node outputs), for per-op comparisons.</summary>
    internal IReadOnlyList<float[]> Slots => _slots;

    /// <summary>The weight format, e.g. "FP32", "W4g32", "W8A8".</summary>
    public string Precision { get; }

    /// <summary>State vector length the policy reads (0 when it reads no state vector).</summary>
    public int StateSize => Input(GraphInputKind.State)?.Size ?? 0;

    /// <summary>The image the policy reads as (channels, height, width), or null when it reads none.</summary>
    public (int Channels, int Height, int Width)? ImageShape =>
        Input(GraphInputKind.Image) is { } image ? (image.Shape[0], image.Shape[1], image.Shape[2]) : null;

    /// <inheritdoc/>
    public int ActionSize => _slots[^1].Length;

    /// <summary>The graph inputs the policy reads, e.g. image[5x64x64], state[1], command[1].</summary>
    public IReadOnlyList<GraphInput> Inputs => _graph.Inputs;

    /// <summary>The input of <paramref name="kind"/> the policy reads, or null when it reads none.</summary>
    public GraphInput? Input(GraphInputKind kind) => _graph.Inputs.FirstOrDefault(i => i.Kind == kind);

    /// <summary>Bytes of the deployed parameters as stored: weight codes (4-bit packed or 8-bit), scales, zero points, biases, normalisation.</summary>
    public long ModelBytes => _graph.Nodes.Sum(node => node.Op.ParameterBytes);

    /// <summary>One line per op: kind, shape and the kernel that runs it.</summary>
    public IReadOnlyList<string> Describe() => _graph.Nodes.Select(node => node.Op.Describe()).ToList();

    /// <inheritdoc/>
    public void Act(in PolicyInputs inputs, Span<float> action)
    {
        if (action.Length != ActionSize)
            throw new ArgumentException($"DeployedPolicy.Act: the action span holds {action.Length} values, the policy writes {ActionSize}.", nameof(action));
        for (int i = 0; i < _graph.Inputs.Count; i++) _graph.Inputs[i].Fill(inputs, _slots[i]);
        // Batch 1 is a GEMV: waking worker threads costs more than it saves; parallelism is across policy replicas.
        KernelThreads.With(1, _forward);
        _slots[^1].CopyTo(action);
    }

    /// <summary>The action for <paramref name="inputs"/>, in a new array.</summary>
    public float[] Act(in PolicyInputs inputs)
    {
        var action = new float[ActionSize];
        Act(inputs, action);
        return action;
    }

    /// <summary>An independent instance sharing the (immutable) weights, with its own buffers, for another thread.</summary>
    public DeployedPolicy Replicate() => new(Label, Precision, _graph.Replicate());

    IDeployedPolicy IDeployedPolicy.Replicate() => Replicate();

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
    public static DeployedPolicy Load(string path) => Decode(SafeTensors.Load(path));

    /// <summary>Decodes bytes written by <see cref="ToBytes"/>, with the same validation as <see cref="Load"/>.</summary>
    public static DeployedPolicy FromBytes(ReadOnlySpan<byte> bytes) => Decode(SafeTensors.Deserialize(bytes));

    private void Forward()
    {
        int first = _graph.Inputs.Count;
        for (int i = 0; i < _sources.Length; i++)
            _graph.Nodes[i].Op.Run(new OpInputs(_slots, _sources[i]), _slots[first + i]);
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
            json.WriteNumber("action_size", ActionSize);
            json.WriteStartArray("inputs");
            foreach (var input in _graph.Inputs) input.Write(json);
            json.WriteEndArray();
            json.WriteStartArray("ops");
            for (int i = 0; i < _graph.Nodes.Count; i++)
            {
                var node = _graph.Nodes[i];
                json.WriteStartObject();
                json.WriteString("kind", node.Op.Kind);
                json.WriteStartArray("sources");
                foreach (int source in node.Sources) json.WriteNumberValue(source);
                json.WriteEndArray();
                node.Op.Write(new OpWriter(json, tensors, $"ops.{i}."));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return (tensors, new Dictionary<string, string> { [ConfigKey] = Encoding.UTF8.GetString(buffer.ToArray()) });
    }

    private static DeployedPolicy Decode(SafeTensorsArchive archive)
    {
        if (!archive.Metadata.TryGetValue(ConfigKey, out var config))
            throw Malformed($"the file has no \"{ConfigKey}\" entry in __metadata__; it is not an integer policy.");
        if (Encoding.UTF8.GetByteCount(config) > RuntimeLimits.MaxConfigBytes)
            throw Malformed($"the config is longer than {RuntimeLimits.MaxConfigBytes} bytes.");
        JsonDocument document;
        try { document = JsonDocument.Parse(config, new JsonDocumentOptions { MaxDepth = 5 }); }
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
            var graph = new PolicyGraph();
            if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array || inputsElement.GetArrayLength() is < 1 or > 4)
                throw Malformed("the config has no \"inputs\" array of 1..4 inputs.");
            foreach (var element in inputsElement.EnumerateArray())
            {
                var input = GraphInput.Read(element, out var problem) ?? throw Malformed(problem!);
                try { graph.Input(input); }
                catch (ArgumentException e) { throw Malformed(e.Message); }
            }
            if (!root.TryGetProperty("ops", out var opsElement) || opsElement.ValueKind != JsonValueKind.Array)
                throw Malformed("the config has no \"ops\" array.");
            int count = opsElement.GetArrayLength();
            if (count is < 1 or > RuntimeLimits.MaxOps) throw Malformed($"the config lists {count} ops; expected 1..{RuntimeLimits.MaxOps}.");
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var element in opsElement.EnumerateArray())
            {
                int index = graph.Nodes.Count;
                if (element.ValueKind != JsonValueKind.Object) throw Malformed($"op {index} is not a JSON object.");
                var reader = new OpReader(element, archive.Tensors, $"ops.{index}.", used);
                var op = ReadOp(reader, String(element, "kind"));
                try { graph.Add(op, Sources(element, index)); }
                catch (ArgumentException e) { throw reader.Problem(e.Message); }
            }
            var unknown = archive.Tensors.Keys.Where(name => !used.Contains(name)).Order(StringComparer.Ordinal).FirstOrDefault();
            if (unknown is not null) throw new CheckpointException(CheckpointProblem.UnexpectedKeys, unknown, "no op of the config reads this tensor.");
            if (!root.TryGetProperty("action_size", out var a) || !a.TryGetInt32(out int actionSize) || actionSize != graph.SlotSize(graph.Last))
                throw Malformed($"action_size does not match the last op's {graph.SlotSize(graph.Last)} outputs.");
            try { return new DeployedPolicy(label, precision, graph); }
            catch (ArgumentException e) when (e is not CheckpointException) { throw Malformed(e.Message); }
        }
    }

    private static RuntimeOp ReadOp(OpReader reader, string kind)
    {
        var declared = RuntimeOps.Find(kind) ?? throw reader.Problem($"unknown op kind \"{kind}\".");
        try { return declared.Read(reader); }
        catch (ArgumentException e) when (e is not CheckpointException) { throw reader.Problem(e.Message); }
    }

    private static int[] Sources(JsonElement op, int index)
    {
        if (!op.TryGetProperty("sources", out var element) || element.ValueKind != JsonValueKind.Array || element.GetArrayLength() is < 1 or > RuntimeLimits.MaxSources)
            throw Malformed($"op {index} has no \"sources\" array of 1..{RuntimeLimits.MaxSources} slots.");
        var sources = new int[element.GetArrayLength()];
        int j = 0;
        foreach (var source in element.EnumerateArray())
            sources[j++] = source.TryGetInt32(out int slot) ? slot : throw Malformed($"op {index} source {j} is not an integer slot.");
        return sources;
    }

    private static string String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Malformed($"the config lacks the string \"{name}\".");

    private static CheckpointException Malformed(string message) => new(CheckpointProblem.MalformedHeader, null, $"integer policy: {message}");
}
