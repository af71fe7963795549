using System.Globalization;
using System.Runtime.InteropServices;
using Qail.Kernels.Cpu.MachineCode;

namespace Qail.Kernels.Cpu.Tests.MachineCode;

/// <summary>Generated code lands in pages that are executable and not writable (W^X), and runs.</summary>
public sealed unsafe class ExecutableMemoryTests
{
    [SkippableFact]
    public void PlacedCodeIsReadExecuteOnlyAndRuns()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64,
            "the W^X check reads /proc/self/maps and runs x64 code: Linux x64 only");
        var asm = new X64Assembler();
        asm.MovLoad(X64Assembler.Rax, X64Assembler.Rdi, 8); // return the second qword of the argument
        asm.Ret();
        var code = ExecutableMemory.Place(asm.ToArray());
        Skip.If(code == null, "the OS refused executable memory (the kernels fall back to the intrinsics paths)");

        var values = stackalloc long[] { 5, 1234567890123 };
        Assert.Equal(1234567890123, ((delegate* unmanaged<long*, long>)code)(values));

        var address = (ulong)code;
        static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var mapping = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (Range: f[0].Split('-'), Permissions: f[1]))
            .Single(f => Hex(f.Range[0]) <= address && address < Hex(f.Range[1]));
        Assert.Equal("r-xp", mapping.Permissions);
    }
}
