using System.Runtime.InteropServices;
using Qail.Kernels.Cpu;
using Qail.Runtime;

// act-dotnet POLICY INPUTS STEPS: act.c through the .NET API (DeployedPolicy.Load, Act into a caller's span).
// Same input records (state float32, image bytes, instruction int32, command int32: the parts the policy reads)
// and the same output: one line per step, the action's float32 bits in hex. `act-dotnet --kernel-path` prints the
// kernel path this machine takes.
if (args is ["--kernel-path"])
{
    Console.WriteLine(KernelDispatch.Describe());
    return 0;
}
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: act-dotnet POLICY INPUTS STEPS | act-dotnet --kernel-path");
    return 2;
}
var policy = DeployedPolicy.Load(args[0]);
int state = policy.StateSize, image = policy.ImageShape is { } shape ? shape.Channels * shape.Height * shape.Width : 0;
int tokens = policy.Input(GraphInputKind.Instruction)?.Size ?? 0;
bool command = policy.Input(GraphInputKind.Command) is not null;
int record = state * 4 + image + tokens * 4 + (command ? 4 : 0);
byte[] inputs = File.ReadAllBytes(args[1]);
int steps = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
if (inputs.Length != (long)record * steps)
{
    Console.Error.WriteLine($"inputs: {inputs.Length} bytes, expected {(long)record * steps}");
    return 1;
}
var action = new float[policy.ActionSize];
var line = new System.Text.StringBuilder();
for (int t = 0; t < steps; t++)
{
    var at = inputs.AsSpan(record * t, record);
    var step = new PolicyInputs
    {
        State = MemoryMarshal.Cast<byte, float>(at[..(state * 4)]),
        Image = at.Slice(state * 4, image),
        Instruction = MemoryMarshal.Cast<byte, int>(at.Slice(state * 4 + image, tokens * 4)),
        Command = command ? BitConverter.ToInt32(at[^4..]) : null,
    };
    policy.Act(step, action);
    line.Clear();
    foreach (var a in action)
        line.Append(line.Length > 0 ? " " : "").Append(BitConverter.SingleToUInt32Bits(a).ToString("x8"));
    Console.WriteLine(line);
}
return 0;
