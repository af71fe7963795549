using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Qail.Runtime;

namespace Qail.Native;

/// <summary>
/// The C API of include/qail.h. A qail_policy* is a GCHandle to a <see cref="DeployedPolicy"/>. No exception crosses
/// the boundary: each entry point catches, records the message for qail_last_error and returns NULL or a negative
/// code. qail_act reads the caller's buffers in place and writes the action into theirs: nothing is allocated.
/// </summary>
internal static unsafe class Exports
{
    private const int AbiVersion = 1;
    private const int Ok = 0, ArgumentError = -1, Failed = -2;

    [UnmanagedCallersOnly(EntryPoint = "qail_abi_version")]
    public static int Version() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "qail_load")]
    public static nint Load(byte* path)
    {
        try
        {
            if (path is null) return Fail("qail_load: path is NULL.");
            var text = Marshal.PtrToStringUTF8((nint)path)!;
            return GCHandle.ToIntPtr(GCHandle.Alloc(DeployedPolicy.Load(text)));
        }
        catch (Exception e)
        {
            return Fail($"qail_load: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qail_load_memory")]
    public static nint LoadMemory(byte* data, nuint length)
    {
        try
        {
            if (data is null) return Fail("qail_load_memory: data is NULL.");
            if (length > int.MaxValue) return Fail($"qail_load_memory: {length} bytes exceed the 2 GiB bound.");
            var bytes = new ReadOnlySpan<byte>(data, (int)length);
            return GCHandle.ToIntPtr(GCHandle.Alloc(DeployedPolicy.FromBytes(bytes)));
        }
        catch (Exception e)
        {
            return Fail($"qail_load_memory: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qail_state_size")]
    public static int StateSize(nint policy) => Policy(policy) is { } p ? p.StateSize : ArgumentError;

    [UnmanagedCallersOnly(EntryPoint = "qail_image_size")]
    public static int ImageSize(nint policy, int* height, int* width, int* channels)
    {
        if (Policy(policy) is not { } p) return ArgumentError;
        var (c, h, w) = p.ImageShape ?? (0, 0, 0);
        if (height is not null) *height = h;
        if (width is not null) *width = w;
        if (channels is not null) *channels = c;
        return c * h * w;
    }

    [UnmanagedCallersOnly(EntryPoint = "qail_instruction_length")]
    public static int InstructionLength(nint policy) =>
        Policy(policy) is { } p ? p.Input(GraphInputKind.Instruction)?.Size ?? 0 : ArgumentError;

    [UnmanagedCallersOnly(EntryPoint = "qail_reads_command")]
    public static int ReadsCommand(nint policy) =>
        Policy(policy) is { } p ? (p.Input(GraphInputKind.Command) is null ? 0 : 1) : ArgumentError;

    [UnmanagedCallersOnly(EntryPoint = "qail_action_size")]
    public static int ActionSize(nint policy) => Policy(policy) is { } p ? p.ActionSize : ArgumentError;

    [UnmanagedCallersOnly(EntryPoint = "qail_act")]
    public static int Act(nint policy, NativeInputs* inputs, float* action, nuint actionLength)
    {
        if (Policy(policy) is not { } p) return ArgumentError;
        if (inputs is null || action is null) return Refuse("qail_act: inputs or action is NULL.");
        if (actionLength != (nuint)p.ActionSize)
            return Refuse($"qail_act: action_length {actionLength}, the policy writes {p.ActionSize}.");
        if (!Fits(inputs->State, inputs->StateLength) || !Fits(inputs->Image, inputs->ImageLength)
            || !Fits(inputs->Instruction, inputs->InstructionLength))
            return Refuse("qail_act: a buffer is NULL with a non-zero length, or longer than 2^31 elements.");
        try
        {
            var step = new PolicyInputs
            {
                State = new ReadOnlySpan<float>(inputs->State, (int)inputs->StateLength),
                Image = new ReadOnlySpan<byte>(inputs->Image, (int)inputs->ImageLength),
                Instruction = new ReadOnlySpan<int>(inputs->Instruction, (int)inputs->InstructionLength),
                Command = inputs->HasCommand != 0 ? inputs->Command : null,
            };
            p.Act(step, new Span<float>(action, (int)actionLength));
            return Ok;
        }
        catch (ArgumentException e)
        {
            return Refuse($"qail_act: {e.Message}");
        }
        catch (Exception e)
        {
            LastError.Set($"qail_act: {e.Message}");
            return Failed;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qail_replicate")]
    public static nint Replicate(nint policy)
    {
        if (Policy(policy) is not { } p) return 0;
        try
        {
            return GCHandle.ToIntPtr(GCHandle.Alloc(p.Replicate()));
        }
        catch (Exception e)
        {
            return Fail($"qail_replicate: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "qail_last_error")]
    public static byte* Error() => LastError.Text;

    [UnmanagedCallersOnly(EntryPoint = "qail_free")]
    public static void Free(nint policy)
    {
        if (policy != 0) GCHandle.FromIntPtr(policy).Free();
    }

    // The handle's policy, or null (recorded as the error) for a NULL handle.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static DeployedPolicy? Policy(nint handle)
    {
        if (handle != 0) return (DeployedPolicy)GCHandle.FromIntPtr(handle).Target!;
        LastError.Set("the policy handle is NULL.");
        return null;
    }

    private static bool Fits(void* buffer, nuint length) =>
        length <= int.MaxValue && (buffer is not null || length == 0);

    private static nint Fail(string message)
    {
        LastError.Set(message);
        return 0;
    }

    private static int Refuse(string message)
    {
        LastError.Set(message);
        return ArgumentError;
    }
}
