using Qail.Kernels.Cpu.MachineCode;
using static Qail.Kernels.Cpu.MachineCode.X64Assembler;

namespace Qail.Kernels.Cpu.Tests.MachineCode;

/// <summary>
/// The x64 encoder byte for byte against llvm-mc (`llvm-mc -triple=x86_64 -x86-asm-syntax=intel -show-encoding`):
/// every instruction form the generated kernels use, with low and high (r8+, zmm16+) registers, short (disp8*N)
/// and long displacements, SIB forms and the 128-bit Windows save/restore.
/// </summary>
public sealed class X64AssemblerTests
{
    public static TheoryData<string, string> Encodings() => new()
    {
        { "mov r8, qword ptr [rax]", "4c 8b 00" },
        { "mov r10, qword ptr [rax + 16]", "4c 8b 50 10" },
        { "mov rdx, qword ptr [rax + 200]", "48 8b 90 c8 00 00 00" },
        { "mov rax, rdi", "48 89 f8" },
        { "mov rax, rcx", "48 89 c8" },
        { "add r8, 32", "49 83 c0 20" },
        { "add r10, 64", "49 83 c2 40" },
        { "add rcx, 256", "48 81 c1 00 01 00 00" },
        { "lea rcx, [r10 + 2*r11]", "4b 8d 0c 5a" },
        { "dec rdx", "48 ff ca" },
        { "test rdx, rdx", "48 85 d2" },
        { "vpxord zmm0, zmm0, zmm0", "62 f1 7d 48 ef c0" },
        { "vpxord zmm31, zmm31, zmm31", "62 01 05 40 ef ff" },
        { "vpxord zmm17, zmm17, zmm17", "62 a1 75 40 ef c9" },
        { "vpdpbusd zmm5, zmm28, zmm29", "62 92 1d 40 50 ed" },
        { "vpdpbusd zmm20, zmm31, zmm2", "62 e2 05 40 50 e2" },
        { "vpdpbusd zmm9, zmm3, zmm18", "62 32 65 48 50 ca" },
        { "vpbroadcastd zmm31, dword ptr [r8]", "62 42 7d 48 58 38" },
        { "vpbroadcastd zmm31, dword ptr [r8 + 28]", "62 42 7d 48 58 78 07" },
        { "vpbroadcastd zmm3, dword ptr [r8 + 1000]", "62 d2 7d 48 58 98 e8 03 00 00" },
        { "vmovdqu8 zmm28, zmmword ptr [r10]", "62 41 7f 48 6f 22" },
        { "vmovdqu8 zmm29, zmmword ptr [r10 + r11]", "62 01 7f 48 6f 2c 1a" },
        { "vmovdqu8 zmm30, zmmword ptr [rcx + r11 + 64]", "62 21 7f 48 6f 74 19 01" },
        { "vmovdqu8 zmm2, zmmword ptr [rcx + 8192]", "62 f1 7f 48 6f 91 00 20 00 00" },
        { "vmovdqu32 zmmword ptr [rcx], zmm0", "62 f1 7e 48 7f 01" },
        { "vmovdqu32 zmmword ptr [rcx + 1984], zmm23", "62 e1 7e 48 7f 79 1f" },
        { "vmovdqu32 zmmword ptr [rcx + 8192], zmm7", "62 f1 7e 48 7f b9 00 20 00 00" },
        { "vmovdqu64 xmmword ptr [rax + 64], xmm6", "62 f1 fe 08 7f 70 04" },
        { "vmovdqu64 xmm15, xmmword ptr [rax + 208]", "62 71 fe 08 6f 78 0d" },
        { "vpmulld zmm5, zmm27, zmm29", "62 92 25 40 40 ed" },
        { "vpmulld zmm23, zmm28, zmm31", "62 82 1d 40 40 ff" },
        { "vpaddd zmm5, zmm5, zmm24", "62 91 55 48 fe e8" },
        { "vpaddd zmm23, zmm23, zmm26", "62 81 45 40 fe fa" },
        { "vmovdqu32 zmm24, zmmword ptr [r9]", "62 41 7e 48 6f 01" },
        { "vmovdqu32 zmm31, zmmword ptr [r9 + 128]", "62 41 7e 48 6f 79 02" },
        { "add rcx, r9", "4c 01 c9" },
        { "mov r9, qword ptr [rax + 72]", "4c 8b 48 48" },
        { "vpbroadcastd zmm27, dword ptr [r9 + 28]", "62 42 7d 48 58 59 07" },
        { "vzeroupper", "c5 f8 77" },
        { "ret", "c3" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void EncodesLikeLlvmMc(string instruction, string expected)
    {
        var asm = new X64Assembler();
        Emit(asm, instruction);
        var bytes = asm.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, string.Join(' ', bytes));
    }

    /// <summary>Jumps are rel32 from the end of the instruction, backwards and forwards.</summary>
    [Fact]
    public void ResolvesJumpsBothWays()
    {
        var asm = new X64Assembler();
        var top = asm.NewLabel();
        var end = asm.NewLabel();
        asm.Bind(top);
        asm.Dec(Rdx);                // 3 bytes
        asm.JumpIfZero(end);         // 6 bytes, target 3 + 6 + 6 = 15: rel 6
        asm.JumpIfNotZero(top);      // 6 bytes at 9, target 0: rel -15
        asm.Bind(end);
        asm.Ret();
        Assert.Equal("48FFCA0F84060000000F85F1FFFFFFC3", Convert.ToHexString(asm.ToArray()));
    }

    private static void Emit(X64Assembler asm, string instruction)
    {
        switch (instruction)
        {
            case "mov r8, qword ptr [rax]": asm.MovLoad(R8, Rax, 0); break;
            case "mov r10, qword ptr [rax + 16]": asm.MovLoad(R10, Rax, 16); break;
            case "mov rdx, qword ptr [rax + 200]": asm.MovLoad(Rdx, Rax, 200); break;
            case "mov rax, rdi": asm.Mov(Rax, Rdi); break;
            case "mov rax, rcx": asm.Mov(Rax, Rcx); break;
            case "add r8, 32": asm.AddImmediate(R8, 32); break;
            case "add r10, 64": asm.AddImmediate(R10, 64); break;
            case "add rcx, 256": asm.AddImmediate(Rcx, 256); break;
            case "lea rcx, [r10 + 2*r11]": asm.Lea(Rcx, R10, R11, 2); break;
            case "dec rdx": asm.Dec(Rdx); break;
            case "test rdx, rdx": asm.Test(Rdx); break;
            case "vpxord zmm0, zmm0, zmm0": asm.Vpxord(0, 0, 0); break;
            case "vpxord zmm31, zmm31, zmm31": asm.Vpxord(31, 31, 31); break;
            case "vpxord zmm17, zmm17, zmm17": asm.Vpxord(17, 17, 17); break;
            case "vpdpbusd zmm5, zmm28, zmm29": asm.Vpdpbusd(5, 28, 29); break;
            case "vpdpbusd zmm20, zmm31, zmm2": asm.Vpdpbusd(20, 31, 2); break;
            case "vpdpbusd zmm9, zmm3, zmm18": asm.Vpdpbusd(9, 3, 18); break;
            case "vpbroadcastd zmm31, dword ptr [r8]": asm.VpbroadcastdLoad(31, R8, 0); break;
            case "vpbroadcastd zmm31, dword ptr [r8 + 28]": asm.VpbroadcastdLoad(31, R8, 28); break;
            case "vpbroadcastd zmm3, dword ptr [r8 + 1000]": asm.VpbroadcastdLoad(3, R8, 1000); break;
            case "vmovdqu8 zmm28, zmmword ptr [r10]": asm.Vmovdqu8Load(28, R10, -1, 0); break;
            case "vmovdqu8 zmm29, zmmword ptr [r10 + r11]": asm.Vmovdqu8Load(29, R10, R11, 0); break;
            case "vmovdqu8 zmm30, zmmword ptr [rcx + r11 + 64]": asm.Vmovdqu8Load(30, Rcx, R11, 64); break;
            case "vmovdqu8 zmm2, zmmword ptr [rcx + 8192]": asm.Vmovdqu8Load(2, Rcx, -1, 8192); break;
            case "vmovdqu32 zmmword ptr [rcx], zmm0": asm.Vmovdqu32Store(0, Rcx, 0); break;
            case "vmovdqu32 zmmword ptr [rcx + 1984], zmm23": asm.Vmovdqu32Store(23, Rcx, 1984); break;
            case "vmovdqu32 zmmword ptr [rcx + 8192], zmm7": asm.Vmovdqu32Store(7, Rcx, 8192); break;
            case "vmovdqu64 xmmword ptr [rax + 64], xmm6": asm.Vmovdqu64StoreXmm(6, Rax, 64); break;
            case "vmovdqu64 xmm15, xmmword ptr [rax + 208]": asm.Vmovdqu64LoadXmm(15, Rax, 208); break;
            case "vpmulld zmm5, zmm27, zmm29": asm.Vpmulld(5, 27, 29); break;
            case "vpmulld zmm23, zmm28, zmm31": asm.Vpmulld(23, 28, 31); break;
            case "vpaddd zmm5, zmm5, zmm24": asm.Vpaddd(5, 5, 24); break;
            case "vpaddd zmm23, zmm23, zmm26": asm.Vpaddd(23, 23, 26); break;
            case "vmovdqu32 zmm24, zmmword ptr [r9]": asm.Vmovdqu32Load(24, R9, 0); break;
            case "vmovdqu32 zmm31, zmmword ptr [r9 + 128]": asm.Vmovdqu32Load(31, R9, 128); break;
            case "add rcx, r9": asm.Add(Rcx, R9); break;
            case "mov r9, qword ptr [rax + 72]": asm.MovLoad(R9, Rax, 72); break;
            case "vpbroadcastd zmm27, dword ptr [r9 + 28]": asm.VpbroadcastdLoad(27, R9, 28); break;
            case "vzeroupper": asm.Vzeroupper(); break;
            case "ret": asm.Ret(); break;
            default: throw new ArgumentException($"no encoder call for '{instruction}'", nameof(instruction));
        }
    }
}
