using System.Runtime.InteropServices;
using Qail.Kernels.Cpu.MachineCode;
using static Qail.Kernels.Cpu.MachineCode.X64Assembler;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Int8 micro-kernels with 512-bit VNNI (vpdpbusd zmm), generated as x64 machine code when first needed: .NET 10
/// has only the 256-bit AvxVnni intrinsics. One kernel per tile shape (1..<see cref="Rows"/> activation rows x
/// 1..<see cref="Panels"/> weight panels) computes, over the whole packed depth,
/// C[r, j] = colTerm[j] + zw[j] * rowTerm[r] + sum_k a[r, k] * w[j, k] (int32, wrapping), with a = unsigned
/// activations (the signed value + 128) and w the panels of <see cref="PackedInt8Weights"/> (one 64-byte step =
/// 16 outputs x 4 inputs = one zmm operand): the zero-point correction of <see cref="Int8Gemm"/> is the
/// accumulators' starting value. Activations come interleaved: step q holds 4 bytes of each tile row in turn.
/// </summary>
internal static unsafe class Vnni512MicroKernels
{
    /// <summary>Most activation rows per tile.</summary>
    public const int Rows = 8;

    /// <summary>Most 16-output panels per tile.</summary>
    public const int Panels = 3;

    /// <summary>Steps of 4 inputs per loop iteration of the generated code.</summary>
    private const int Unroll = 4;

    private static readonly nint[]? Entries = Generate();

    /// <summary>True when the CPU has 512-bit VNNI and the kernels were placed in executable memory.</summary>
    public static bool IsAvailable => Entries is not null;

    /// <summary>Arguments of one generated call, read by the code at fixed offsets (see <see cref="Emit"/>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Call
    {
        /// <summary>Interleaved activations of the tile rows (4 * rows bytes per step).</summary>
        public byte* A;
        /// <summary>First weight panel of the tile.</summary>
        public sbyte* Panel;
        /// <summary>Bytes from one panel to the next (16 * padded K).</summary>
        public long PanelStride;
        /// <summary>Unrolled loop iterations (steps / unroll).</summary>
        public long Iterations;
        /// <summary>Steps left after the unrolled loop.</summary>
        public long Tail;
        /// <summary>Results: row r's panels * 16 int32 outputs start <see cref="RowStride"/> * r bytes on.</summary>
        public int* T;
        /// <summary>Bytes from one result row to the next.</summary>
        public long RowStride;
        /// <summary>colTerm of the tile's first output (panels * 16 values).</summary>
        public int* ColumnTerms;
        /// <summary>Weight zero points of the tile's first output (panels * 16 values).</summary>
        public int* ZeroPoints;
        /// <summary>rowTerm of the tile's first row (rows values).</summary>
        public int* RowTerms;
        /// <summary>Windows x64: xmm6-15 are callee-saved; the code keeps them here while it runs.</summary>
        public fixed byte SavedXmm[160];
    }

    /// <summary>
    /// Runs the <paramref name="rows"/> x <paramref name="panels"/> tile kernel over <paramref name="steps"/>.
    /// </summary>
    public static void Run(int rows, int panels, int steps, ref Call call)
    {
        call.Iterations = steps / Unroll;
        call.Tail = steps % Unroll;
        fixed (Call* p = &call) ((delegate* unmanaged<Call*, void>)Entries![(rows - 1) * Panels + panels - 1])(p);
    }

    private static nint[]? Generate()
    {
        if (!X64Features.HasAvx512Vnni) return null;
        var code = new List<byte>();
        var offsets = new int[Rows * Panels];
        for (var rows = 1; rows <= Rows; rows++)
            for (var panels = 1; panels <= Panels; panels++)
            {
                while (code.Count % 64 != 0) code.Add(0xCC);
                offsets[(rows - 1) * Panels + panels - 1] = code.Count;
                code.AddRange(Emit(rows, panels, OperatingSystem.IsWindows()));
            }
        var pages = ExecutableMemory.Place(code.ToArray());
        if (pages == null) return null;
        return offsets.Select(o => (nint)(pages + o)).ToArray();
    }

    /// <summary>Byte offsets of the <see cref="Call"/> fields the generated code reads.</summary>
    internal const int ActivationsAt = 0, PanelAt = 8, PanelStrideAt = 16, IterationsAt = 24, TailAt = 32;
    internal const int ResultsAt = 40, RowStrideAt = 48, ColumnTermsAt = 56, ZeroPointsAt = 64, RowTermsAt = 72;
    internal const int SavedXmmAt = 80;

    /// <summary>
    /// Machine code of one tile kernel. Registers: rax the <see cref="Call"/>, r8 activations, r10 panel 0 (rcx panel
    /// 2), r11 the panel stride, rdx the loop counter, r9 the correction terms; zmm accumulators first, then the
    /// weights (the column terms at the start), the broadcasts, the zero points. Only volatile registers of both ABIs
    /// are used, except xmm6-15 on Windows, which are saved in the call.
    /// </summary>
    internal static byte[] Emit(int rows, int panels, bool windows)
    {
        if (rows is < 1 or > Rows || panels is < 1 or > Panels)
            throw new ArgumentOutOfRangeException(nameof(rows),
                $"Vnni512MicroKernels: tile {rows} x {panels} is outside 1..{Rows} x 1..{Panels}.");
        var asm = new X64Assembler();
        asm.Mov(Rax, windows ? Rcx : Rdi);
        if (windows)
            for (var x = 6; x < 16; x++) asm.Vmovdqu64StoreXmm(x, Rax, SavedXmmAt + 16 * (x - 6));
        asm.MovLoad(R8, Rax, ActivationsAt);
        asm.MovLoad(R10, Rax, PanelAt);
        asm.MovLoad(R11, Rax, PanelStrideAt);
        asm.MovLoad(Rdx, Rax, IterationsAt);
        if (panels > 2) asm.Lea(Rcx, R10, R11, 2);
        int accumulators = rows * panels, weights = accumulators, broadcast = weights + panels;
        var zeroPoints = 32 - panels;

        // acc[r, p] = colTerm[p] + zw[p] * rowTerm[r]: the zero-point correction, wrapping like the reference.
        asm.MovLoad(R9, Rax, ColumnTermsAt);
        for (var p = 0; p < panels; p++) asm.Vmovdqu32Load(weights + p, R9, 64 * p);
        asm.MovLoad(R9, Rax, ZeroPointsAt);
        for (var p = 0; p < panels; p++) asm.Vmovdqu32Load(zeroPoints + p, R9, 64 * p);
        asm.MovLoad(R9, Rax, RowTermsAt);
        for (var r = 0; r < rows; r++)
        {
            asm.VpbroadcastdLoad(broadcast, R9, 4 * r);
            for (var p = 0; p < panels; p++)
            {
                asm.Vpmulld(r * panels + p, broadcast, zeroPoints + p);
                asm.Vpaddd(r * panels + p, r * panels + p, weights + p);
            }
        }

        var tailStart = asm.NewLabel();
        var main = asm.NewLabel();
        var tail = asm.NewLabel();
        var done = asm.NewLabel();
        asm.Test(Rdx);
        asm.JumpIfZero(tailStart);
        asm.Bind(main);
        Body(asm, rows, panels, Unroll, weights, broadcast);
        asm.Dec(Rdx);
        asm.JumpIfNotZero(main);
        asm.Bind(tailStart);
        asm.MovLoad(Rdx, Rax, TailAt);
        asm.Test(Rdx);
        asm.JumpIfZero(done);
        asm.Bind(tail);
        Body(asm, rows, panels, 1, weights, broadcast);
        asm.Dec(Rdx);
        asm.JumpIfNotZero(tail);
        asm.Bind(done);

        asm.MovLoad(Rcx, Rax, ResultsAt);
        asm.MovLoad(R9, Rax, RowStrideAt);
        for (var r = 0; r < rows; r++)
        {
            for (var p = 0; p < panels; p++) asm.Vmovdqu32Store(r * panels + p, Rcx, 64 * p);
            if (r + 1 < rows) asm.Add(Rcx, R9);
        }
        if (windows)
            for (var x = 6; x < 16; x++) asm.Vmovdqu64LoadXmm(x, Rax, SavedXmmAt + 16 * (x - 6));
        asm.Vzeroupper();
        asm.Ret();
        return asm.ToArray();
    }

    // `steps` steps of 4 inputs: load the panels' 64-byte steps, then per row broadcast 4 activation bytes and
    // multiply-accumulate into that row's accumulators; then advance the pointers.
    private static void Body(X64Assembler asm, int rows, int panels, int steps, int weights, int broadcast)
    {
        // Two broadcast registers alternate where the tile leaves room (the zero points are dead by now).
        var broadcasts = Math.Min(2, 32 - broadcast);
        for (var s = 0; s < steps; s++)
        {
            for (var p = 0; p < panels; p++)
            {
                var (baseReg, index) = p switch { 0 => (R10, -1), 1 => (R10, R11), 2 => (Rcx, -1), _ => (Rcx, R11) };
                asm.Vmovdqu8Load(weights + p, baseReg, index, 64 * s);
            }
            for (var r = 0; r < rows; r++)
            {
                var b = broadcast + r % broadcasts;
                asm.VpbroadcastdLoad(b, R8, 4 * (s * rows + r));
                for (var p = 0; p < panels; p++) asm.Vpdpbusd(r * panels + p, b, weights + p);
            }
        }
        asm.AddImmediate(R8, 4 * rows * steps);
        asm.AddImmediate(R10, 64 * steps);
        if (panels > 2) asm.AddImmediate(Rcx, 64 * steps);
    }
}
