namespace Qail.Onnx;

/// <summary>
/// The action heads (MLP tanh, CILRS tanh steer and sigmoid pedals, VLA binned logits) and the CILRS command
/// branch select.
/// </summary>
internal sealed partial class OpLowering
{
    private OnnxValue TanhAction(OnnxValue x) =>
        Clamp(x with
        {
            Name = Node("Add", [Node("Mul", [Node("Tanh", [x.Name]), Floats("half_range")]), Floats("centre")]),
        });

    private OnnxValue CilrsAction(OnnxValue x)
    {
        long n = Int("size");
        string row = Shaped(x, 1, n).Name, axis = Int64s([1], [1]);
        string steer = Node("Tanh", [Node("Slice", [row, Int64s([0], [1]), Int64s([1], [1]), axis])]);
        string pedals = Node("Sigmoid", [Node("Slice", [row, Int64s([1], [1]), Int64s([n], [1]), axis])]);
        return Clamp(new OnnxValue(Node("Concat", [steer, pedals], a => a.Attribute("axis", 1L)), [1, n]));
    }

    // Argmax: the first best bin's centre; expectation: the softmax-weighted mean of the centres, both in double as
    // the runtime computes them, then clamped to the bounds.
    private OnnxValue BinAction(OnnxValue x)
    {
        int actions = Int("actions"), bins = Int("bins");
        var (low, high) = (FloatData("low"), FloatData("high"));
        var width = low.Select((l, d) => ((double)high[d] - l) / bins).ToArray();
        string logits = Shaped(x, actions, bins).Name;
        if (!Bool("expectation"))
        {
            string best = Node("ArgMax", [logits], n => n.Attribute("axis", 1L).Attribute("keepdims", 0L));
            string index = Node("Cast", [best], n => n.Attribute("to", (long)OnnxElementType.Double));
            string offset = Node("Mul", [Node("Add", [index, Doubles([0.5], [])]), Doubles(width, [actions])]);
            string centre = Node("Add", [Doubles(Array.ConvertAll(low, l => (double)l), [actions]), offset]);
            return new OnnxValue(ToFloat(centre), [actions]);
        }
        var centres = new double[actions * bins];
        for (int d = 0; d < actions; d++)
            for (int k = 0; k < bins; k++) centres[d * bins + k] = low[d] + (k + 0.5) * width[d];
        string wide = Node("Cast", [logits], n => n.Attribute("to", (long)OnnxElementType.Double));
        string p = Node("Softmax", [wide], n => n.Attribute("axis", 1L));
        string mean = Node("ReduceSum", [Node("Mul", [p, Doubles(centres, [actions, bins])]), Int64s([1], [1])],
            n => n.Attribute("keepdims", 0L));
        return Clamp(new OnnxValue(ToFloat(mean), [actions]));
    }

    // The commanded head's output: the heads stacked as rows, the command's row gathered.
    private OnnxValue CommandSelect(OnnxValue[] inputs)
    {
        long commands = Int("commands"), size = Int("size");
        var command = inputs[commands];
        if (!command.Integer)
            throw new NotSupportedException($"{_prefix}: command_select reads its command from an op's output; the " +
                "ONNX export takes it from the command input only.");
        string heads = Node("Concat", inputs.Take((int)commands).Select(h => Shaped(h, 1, size).Name).ToArray(),
            n => n.Attribute("axis", 0L));
        return new OnnxValue(Node("Gather", [heads, command.Name], n => n.Attribute("axis", 0L)), [1, size]);
    }

    // Per-dimension bounds: Clip takes scalars, so Max then Min against the bound vectors.
    private OnnxValue Clamp(OnnxValue x) =>
        x with { Name = Node("Min", [Node("Max", [x.Name, Floats("low")]), Floats("high")]) };

    private string ToFloat(string x) => Node("Cast", [x], n => n.Attribute("to", (long)OnnxElementType.Float));
}
