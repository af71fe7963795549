using System.Runtime.InteropServices;

namespace Qail.Native;

/// <summary>The C struct qail_inputs (include/qail.h), field for field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeInputs
{
    public float* State;
    public nuint StateLength;
    public byte* Image;
    public nuint ImageLength;
    public int* Instruction;
    public nuint InstructionLength;
    public int Command;
    public int HasCommand;
}
