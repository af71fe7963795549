using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Picks the output of the head of the observation's high-level command: inputs are the K heads' outputs (equal
/// sizes) then the command index (one float, checked against 0..K-1 by the graph input), output the chosen head's.
/// </summary>
internal sealed class CommandSelect : RuntimeOp
{
    public const string Name = "command_select";
    private readonly int[] _inputSizes;

    public CommandSelect(int commands, int size)
    {
        if (commands is < 1 || commands > RuntimeLimits.MaxSources - 1)
            throw new ArgumentException(
                $"CommandSelect: {commands} commands; expected 1..{RuntimeLimits.MaxSources - 1}.", nameof(commands));
        if (size is < 1 or > RuntimeLimits.MaxWidth)
            throw new ArgumentException($"CommandSelect: head size {size} lies outside 1..{RuntimeLimits.MaxWidth}.",
                nameof(size));
        (Commands, OutputSize) = (commands, size);
        _inputSizes = [.. Enumerable.Repeat(size, commands), 1];
    }

    /// <summary>Number of heads (commands).</summary>
    public int Commands { get; }

    public override string Kind => Name;
    public override IReadOnlyList<int> InputSizes => _inputSizes;
    public override int OutputSize { get; }
    public override long ParameterBytes => 0;

    public override void Run(OpInputs inputs, Span<float> output)
    {
        inputs[Index(inputs[Commands][0], Commands)].CopyTo(output);
    }

    /// <summary>
    /// The head <paramref name="command"/> picks; throws unless it is an index in 0..commands-1 (the device form checks
    /// on the host with it).
    /// </summary>
    public static int Index(float command, int commands)
    {
        int index = (int)command;
        if (index != command || (uint)index >= (uint)commands)
            throw new ArgumentException($"CommandSelect: command {command} is not an index in 0..{commands - 1}.",
                nameof(command));
        return index;
    }

    public override void Lower(GpuBuilder gpu)
    {
        int command = gpu.GraphInput(Commands)
            ?? throw new NotSupportedException($"GpuPolicy: {gpu.Where} reads its command from an op's output; the "
                + "device form checks it on the host and needs the command graph input.");
        gpu.Check(new CommandCheck(command, Commands));
        gpu.Launch("pol_select", OutputSize, GpuArgument.Values,
            gpu.Upload<int>([.. Enumerable.Range(0, Commands).Select(gpu.Input)]), gpu.Input(Commands), gpu.Output,
            OutputSize);
    }

    public override string Describe() => $"command select {Commands} heads [{OutputSize}]";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("commands", Commands);
        writer.Attribute("size", OutputSize);
    }

    public static CommandSelect Read(OpReader reader) =>
        new(reader.Int("commands", 1, RuntimeLimits.MaxSources - 1), reader.Int("size", 1, RuntimeLimits.MaxWidth));
}
