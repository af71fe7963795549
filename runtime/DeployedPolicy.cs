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
    private readonly ExecutionPlan _plan;
    private readonly Action _forward;

    internal DeployedPolicy(string label, string precision, PolicyGraph graph, WorkingMemory? memory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Nodes.Count == 0)
            throw new ArgumentException("DeployedPolicy: the graph holds no ops.", nameof(graph));
        (Label, Precision, _graph) = (label, precision, graph);
        _plan = new ExecutionPlan(graph, memory);
        _forward = _plan.Run;
    }

    private DeployedPolicy(DeployedPolicy other)
    {
        (Label, Precision) = (other.Label, other.Precision);
        _graph = other._graph.Replicate();
        _plan = new ExecutionPlan(_graph);
        _forward = _plan.Run;
    }

    /// <inheritdoc/>
    public string Label { get; }

    /// <summary>The dataflow the policy runs (read by the device executor).</summary>
    internal PolicyGraph Graph => _graph;

    /// <summary>
    /// Every graph value for <paramref name="inputs"/> (inputs, then node outputs), each op run alone as the file
    /// declares it, without the load-time plan: the reference the plan equals and the device's per-op comparison.
    /// </summary>
    internal float[][] Trace(in PolicyInputs inputs)
    {
        var slots = new float[_graph.Last + 1][];
        for (int slot = 0; slot < slots.Length; slot++) slots[slot] = new float[_graph.SlotSize(slot)];
        for (int i = 0; i < _graph.Inputs.Count; i++) _graph.Inputs[i].Fill(inputs, slots[i]);
        KernelThreads.With(1, () =>
        {
            int first = _graph.Inputs.Count;
            for (int i = 0; i < _graph.Nodes.Count; i++)
                _graph.Nodes[i].Op.Run(new OpInputs(slots, _graph.Nodes[i].Sources), slots[first + i]);
        });
        return slots;
    }

    /// <summary>One line per step of the load-time plan (fused steps name what they fuse).</summary>
    internal IReadOnlyList<string> DescribePlan() => _plan.Describe();

    /// <summary>The weight format, e.g. "FP32", "W4g32", "W8A8".</summary>
    public string Precision { get; }

    /// <summary>State vector length the policy reads (0 when it reads no state vector).</summary>
    public int StateSize => Input(GraphInputKind.State)?.Size ?? 0;

    /// <summary>The image the policy reads as (channels, height, width), or null when it reads none.</summary>
    public (int Channels, int Height, int Width)? ImageShape =>
        Input(GraphInputKind.Image) is { } image ? (image.Shape[0], image.Shape[1], image.Shape[2]) : null;

    /// <inheritdoc/>
    public int ActionSize => _graph.SlotSize(_graph.Last);

    /// <summary>The graph inputs the policy reads, e.g. image[5x64x64], state[1], command[1].</summary>
    public IReadOnlyList<GraphInput> Inputs => _graph.Inputs;

    /// <summary>The input of <paramref name="kind"/> the policy reads, or null when it reads none.</summary>
    public GraphInput? Input(GraphInputKind kind) => _graph.Inputs.FirstOrDefault(i => i.Kind == kind);

    /// <summary>
    /// Bytes of the deployed parameters as stored: weight codes (4-bit packed or 8-bit), scales, zero points, biases,
    /// normalisation.
    /// </summary>
    public long ModelBytes => _graph.Nodes.Sum(node => node.Op.ParameterBytes);

    /// <summary>One line per op: kind, shape and the kernel that runs it.</summary>
    public IReadOnlyList<string> Describe() => _graph.Nodes.Select(node => node.Op.Describe()).ToList();

    /// <inheritdoc/>
    public void Act(in PolicyInputs inputs, Span<float> action)
    {
        if (action.Length != ActionSize)
            throw new ArgumentException($"DeployedPolicy.Act: the action span holds {action.Length} values, the policy "
                + $"writes {ActionSize}.", nameof(action));
        for (int i = 0; i < _graph.Inputs.Count; i++)
            if (i == _plan.PixelInput) _graph.Inputs[i].FillPixels(inputs, _plan.Pixels);
            else _graph.Inputs[i].Fill(inputs, _plan.Slots[i]);
        // Batch 1 is a GEMV: waking worker threads costs more than it saves; parallelism is across policy replicas.
        KernelThreads.With(1, _forward);
        var output = _plan.Slots[^1];
        // Finite inputs within bounds and finite weights can still overflow (huge scales): refuse rather than act NaN.
        for (int i = 0; i < output.Length; i++)
            if (!float.IsFinite(output[i]))
                throw new InvalidDataException(
                    $"DeployedPolicy.Act: '{Label}' computed action[{i}] = {output[i]}; its weights overflow on "
                    + "these inputs.");
        output.CopyTo(action);
    }

    /// <summary>The action for <paramref name="inputs"/>, in a new array.</summary>
    public float[] Act(in PolicyInputs inputs)
    {
        var action = new float[ActionSize];
        Act(inputs, action);
        return action;
    }

    /// <summary>
    /// An independent instance sharing the (immutable) weights, with its own buffers, for another thread.
    /// </summary>
    public DeployedPolicy Replicate() => new(this);

    IDeployedPolicy IDeployedPolicy.Replicate() => Replicate();

    /// <summary>Writes the policy to one safetensors file (atomically: temporary file, then rename).</summary>
    public void Save(string path)
    {
        var (tensors, metadata) = Encode();
        SafeTensors.Save(path, tensors, metadata, checksum: true);
    }

    /// <summary>The safetensors encoding of the policy, as <see cref="Save"/> writes it.</summary>
    public byte[] ToBytes()
    {
        var (tensors, metadata) = Encode();
        return SafeTensors.Serialize(tensors, metadata, checksum: true);
    }

    /// <summary>
    /// Loads a policy file, validating it as untrusted input (header bound, dtypes, offsets, every tensor's shape
    /// against the config, value ranges, no unknown tensors); throws <see cref="CheckpointException"/> naming the
    /// fault.
    /// </summary>
    public static DeployedPolicy Load(string path) => Decode(SafeTensors.Load(path));

    /// <summary>
    /// Decodes bytes written by <see cref="ToBytes"/>, with the same validation as <see cref="Load"/>.
    /// </summary>
    public static DeployedPolicy FromBytes(ReadOnlySpan<byte> bytes) => Decode(SafeTensors.Deserialize(bytes));

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
            if (!root.TryGetProperty("version", out var version) || !IsInt32(version, out int v) || v != FormatVersion)
                throw Malformed($"the config's \"version\" must be the number {FormatVersion} (found "
                    + $"{OpReader.Found(version)}).");
            string label = String(root, "label"), precision = String(root, "precision");
            if (label.Length == 0) throw Malformed("the config's label is empty.");
            var graph = new PolicyGraph();
            // Activation slots and op scratch are charged against the file's size before anything is allocated.
            var memory = new WorkingMemory(archive.Entries.Sum(e => e.End - e.Begin)
                + Encoding.UTF8.GetByteCount(config));
            if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array
                || inputsElement.GetArrayLength() is < 1 or > 4)
                throw Malformed("the config has no \"inputs\" array of 1..4 inputs.");
            foreach (var element in inputsElement.EnumerateArray())
            {
                var input = GraphInput.Read(element, out var problem) ?? throw Malformed(problem!);
                memory.Reserve(4L * input.Size, $"input {input.Describe()}");
                try { graph.Input(input); }
                catch (ArgumentException e) { throw Malformed(e.Message); }
            }
            if (!root.TryGetProperty("ops", out var opsElement) || opsElement.ValueKind != JsonValueKind.Array)
                throw Malformed("the config has no \"ops\" array.");
            int count = opsElement.GetArrayLength();
            if (count is < 1 or > RuntimeLimits.MaxOps)
                throw Malformed($"the config lists {count} ops; expected 1..{RuntimeLimits.MaxOps}.");
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var element in opsElement.EnumerateArray())
            {
                int index = graph.Nodes.Count;
                if (element.ValueKind != JsonValueKind.Object) throw Malformed($"op {index} is not a JSON object.");
                var reader = new OpReader(element, archive.Tensors, $"ops.{index}.", used, memory);
                var op = ReadOp(reader, String(element, "kind"));
                memory.Reserve(4L * op.OutputSize, $"ops.{index} output");
                try { graph.Add(op, Sources(element, index)); }
                catch (ArgumentException e) { throw reader.Problem(e.Message); }
            }
            var unknown = archive.Tensors.Keys.Where(name => !used.Contains(name)).Order(StringComparer.Ordinal)
                .FirstOrDefault();
            if (unknown is not null)
                throw new CheckpointException(CheckpointProblem.UnexpectedKeys, unknown,
                    "no op of the config reads this tensor.");
            if (!root.TryGetProperty("action_size", out var a) || !IsInt32(a, out int actionSize)
                || actionSize != graph.SlotSize(graph.Last))
                throw Malformed($"\"action_size\" is not the number {graph.SlotSize(graph.Last)} of the last op's "
                    + $"outputs (found {OpReader.Found(a)}).");
            try { return new DeployedPolicy(label, precision, graph, memory); }
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
        if (!op.TryGetProperty("sources", out var element) || element.ValueKind != JsonValueKind.Array
            || element.GetArrayLength() is < 1 or > RuntimeLimits.MaxSources)
            throw Malformed($"op {index} has no \"sources\" array of 1..{RuntimeLimits.MaxSources} slots.");
        var sources = new int[element.GetArrayLength()];
        int j = 0;
        foreach (var source in element.EnumerateArray())
            sources[j++] = IsInt32(source, out int slot) ? slot : throw Malformed(
                $"op {index} \"sources\" entry {j} is not an integer slot (found {OpReader.Found(source)}).");
        return sources;
    }

    /// <summary>
    /// True for a JSON number that is an int32; a string, boolean or fraction is a type error, not an exception.
    /// </summary>
    internal static bool IsInt32(JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }

    private static string String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Malformed($"the config's \"{name}\" must be a string (found {OpReader.Found(value)}).");

    private static CheckpointException Malformed(string message) =>
        new(CheckpointProblem.MalformedHeader, null, $"integer policy: {message}");
}
