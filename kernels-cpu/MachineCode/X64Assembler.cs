namespace Qail.Kernels.Cpu.MachineCode;

/// <summary>
/// A minimal x64 encoder for the run-time generated kernels: the few general-purpose instructions a loop needs
/// (REX prefixes) and the AVX-512 ones the int8 micro-kernel uses (EVEX prefixes, 32 vector registers,
/// compressed disp8*N displacements). Registers are numbers: general 0..15 (rax, rcx, rdx, rbx, rsp, rbp, rsi,
/// rdi, r8..r15), vector 0..31. Encodings are checked byte for byte against llvm-mc in the tests.
/// </summary>
internal sealed class X64Assembler
{
    /// <summary>General-purpose register numbers.</summary>
    public const int Rax = 0, Rcx = 1, Rdx = 2, Rsp = 4, Rbp = 5, Rdi = 7, R8 = 8, R9 = 9, R10 = 10, R11 = 11;

    private const int NoIndex = -1;
    private readonly List<byte> _code = [];
    private readonly List<(int At, int Label)> _fixups = [];
    private readonly List<int> _labels = [];

    /// <summary>Bytes emitted so far, jumps resolved.</summary>
    public byte[] ToArray()
    {
        var code = _code.ToArray();
        foreach (var (at, label) in _fixups)
        {
            var target = _labels[label];
            if (target < 0) throw new InvalidOperationException($"X64Assembler: label {label} was never bound.");
            BitConverter.TryWriteBytes(code.AsSpan(at, 4), target - (at + 4));
        }
        return code;
    }

    /// <summary>A new label, bound later with <see cref="Bind"/>.</summary>
    public int NewLabel()
    {
        _labels.Add(-1);
        return _labels.Count - 1;
    }

    /// <summary>Binds <paramref name="label"/> to the current position.</summary>
    public void Bind(int label) => _labels[label] = _code.Count;

    /// <summary>mov dst, qword [base + disp].</summary>
    public void MovLoad(int dst, int @base, int disp)
    {
        Rex(true, dst, NoIndex, @base);
        _code.Add(0x8B);
        Memory(dst, @base, NoIndex, 1, disp, 1);
    }

    /// <summary>mov dst, src (64-bit).</summary>
    public void Mov(int dst, int src)
    {
        Rex(true, src, NoIndex, dst);
        _code.Add(0x89);
        _code.Add((byte)(0xC0 | (src & 7) << 3 | (dst & 7)));
    }

    /// <summary>add dst, imm (64-bit, sign-extended immediate).</summary>
    public void AddImmediate(int dst, int imm)
    {
        Rex(true, 0, NoIndex, dst);
        var small = imm is >= sbyte.MinValue and <= sbyte.MaxValue;
        _code.Add(small ? (byte)0x83 : (byte)0x81);
        _code.Add((byte)(0xC0 | (dst & 7)));
        if (small) _code.Add((byte)(sbyte)imm);
        else Int32(imm);
    }

    /// <summary>add dst, src (64-bit).</summary>
    public void Add(int dst, int src)
    {
        Rex(true, src, NoIndex, dst);
        _code.Add(0x01);
        _code.Add((byte)(0xC0 | (src & 7) << 3 | (dst & 7)));
    }

    /// <summary>lea dst, [base + index * scale].</summary>
    public void Lea(int dst, int @base, int index, int scale)
    {
        Rex(true, dst, index, @base);
        _code.Add(0x8D);
        Memory(dst, @base, index, scale, 0, 1);
    }

    /// <summary>dec reg (64-bit).</summary>
    public void Dec(int reg)
    {
        Rex(true, 0, NoIndex, reg);
        _code.Add(0xFF);
        _code.Add((byte)(0xC8 | (reg & 7)));
    }

    /// <summary>test reg, reg (64-bit).</summary>
    public void Test(int reg)
    {
        Rex(true, reg, NoIndex, reg);
        _code.Add(0x85);
        _code.Add((byte)(0xC0 | (reg & 7) << 3 | (reg & 7)));
    }

    /// <summary>jnz label (rel32).</summary>
    public void JumpIfNotZero(int label) => Jump(0x85, label);

    /// <summary>jz label (rel32).</summary>
    public void JumpIfZero(int label) => Jump(0x84, label);

    /// <summary>ret.</summary>
    public void Ret() => _code.Add(0xC3);

    /// <summary>vzeroupper: leaves no dirty upper halves behind for SSE code in the caller.</summary>
    public void Vzeroupper() => _code.AddRange([0xC5, 0xF8, 0x77]);

    /// <summary>xor ecx, ecx; xgetbv (XCR0 into edx:eax). Only valid where CPUID reports OSXSAVE.</summary>
    public void ReadXcr0() => _code.AddRange([0x31, 0xC9, 0x0F, 0x01, 0xD0]);

    /// <summary>vpxord zmm dst, zmm a, zmm b.</summary>
    public void Vpxord(int dst, int a, int b) => EvexRegister(0x66, 1, false, 0xEF, dst, a, b);

    /// <summary>vpdpbusd zmm dst, zmm unsignedBytes, zmm signedBytes: dst += dot of 4 u8 x s8 per int32 lane.</summary>
    public void Vpdpbusd(int dst, int unsignedBytes, int signedBytes) =>
        EvexRegister(0x66, 2, false, 0x50, dst, unsignedBytes, signedBytes);

    /// <summary>vpmulld zmm dst, zmm a, zmm b: low 32 bits of each lane product.</summary>
    public void Vpmulld(int dst, int a, int b) => EvexRegister(0x66, 2, false, 0x40, dst, a, b);

    /// <summary>vpaddd zmm dst, zmm a, zmm b.</summary>
    public void Vpaddd(int dst, int a, int b) => EvexRegister(0x66, 1, false, 0xFE, dst, a, b);

    /// <summary>vmovdqu32 zmm dst, [base + disp].</summary>
    public void Vmovdqu32Load(int dst, int @base, int disp) =>
        EvexMemory(0xF3, 1, false, 2, 0x6F, dst, @base, NoIndex, 1, disp, 64);

    /// <summary>vpbroadcastd zmm dst, dword [base + disp].</summary>
    public void VpbroadcastdLoad(int dst, int @base, int disp) =>
        EvexMemory(0x66, 2, false, 2, 0x58, dst, @base, NoIndex, 1, disp, 4);

    /// <summary>vmovdqu8 zmm dst, [base + index * scale + disp] (index -1: none).</summary>
    public void Vmovdqu8Load(int dst, int @base, int index, int disp) =>
        EvexMemory(0xF2, 1, false, 2, 0x6F, dst, @base, index, 1, disp, 64);

    /// <summary>vmovdqu32 [base + disp], zmm src.</summary>
    public void Vmovdqu32Store(int src, int @base, int disp) =>
        EvexMemory(0xF3, 1, false, 2, 0x7F, src, @base, NoIndex, 1, disp, 64);

    /// <summary>vmovdqu64 [base + disp], xmm src (128 bits).</summary>
    public void Vmovdqu64StoreXmm(int src, int @base, int disp) =>
        EvexMemory(0xF3, 1, true, 0, 0x7F, src, @base, NoIndex, 1, disp, 16);

    /// <summary>vmovdqu64 xmm dst, [base + disp] (128 bits).</summary>
    public void Vmovdqu64LoadXmm(int dst, int @base, int disp) =>
        EvexMemory(0xF3, 1, true, 0, 0x6F, dst, @base, NoIndex, 1, disp, 16);

    private void Jump(byte condition, int label)
    {
        _code.Add(0x0F);
        _code.Add(condition);
        _fixups.Add((_code.Count, label));
        Int32(0);
    }

    private void Rex(bool wide, int reg, int index, int rm)
    {
        var rex = 0x40 | (wide ? 8 : 0) | (reg >> 3 & 1) << 2 | (index >= 0 ? index >> 3 & 1 : 0) << 1 | (rm >> 3 & 1);
        if (rex != 0x40) _code.Add((byte)rex);
    }

    // EVEX: 62, [R X B R' 0 0 m m] (R X B R' inverted), [W vvvv 1 pp] (vvvv inverted), [z L'L b V' aaa] (V' inverted).
    private void Evex(byte prefix, int map, bool w, int length, int reg, int v, int x, int b)
    {
        var pp = prefix switch { 0x66 => 1, 0xF3 => 2, 0xF2 => 3, _ => 0 };
        _code.Add(0x62);
        _code.Add((byte)((~reg >> 3 & 1) << 7 | (~x & 1) << 6 | (~b >> 3 & 1) << 5 | (~reg >> 4 & 1) << 4 | map));
        _code.Add((byte)((w ? 0x80 : 0) | (~v & 15) << 3 | 4 | pp));
        _code.Add((byte)(length << 5 | (~v >> 4 & 1) << 3));
    }

    private void EvexRegister(byte prefix, int map, bool w, byte opcode, int reg, int v, int rm)
    {
        Evex(prefix, map, w, 2, reg, v, rm >> 4, rm);
        _code.Add(opcode);
        _code.Add((byte)(0xC0 | (reg & 7) << 3 | (rm & 7)));
    }

    private void EvexMemory(byte prefix, int map, bool w, int length, byte opcode, int reg, int @base, int index,
        int scale, int disp, int n)
    {
        Evex(prefix, map, w, length, reg, 0, index >= 0 ? index >> 3 : 0, @base);
        _code.Add(opcode);
        Memory(reg, @base, index, scale, disp, n);
    }

    // ModRM (+ SIB) + displacement; disp8 is scaled by n (EVEX compressed displacement, 1 for legacy encodings).
    private void Memory(int reg, int @base, int index, int scale, int disp, int n)
    {
        var short8 = disp % n == 0 && disp / n is >= sbyte.MinValue and <= sbyte.MaxValue;
        var mod = disp == 0 && (@base & 7) != Rbp ? 0 : short8 ? 1 : 2;
        var sib = index >= 0 || (@base & 7) == Rsp;
        _code.Add((byte)(mod << 6 | (reg & 7) << 3 | (sib ? 4 : @base & 7)));
        if (sib)
        {
            var ss = scale switch
            {
                1 => 0, 2 => 1, 4 => 2, 8 => 3,
                _ =>
                    throw new ArgumentOutOfRangeException(nameof(scale), scale, "X64Assembler: scale must be 1/2/4/8."),
            };
            _code.Add((byte)(ss << 6 | (index >= 0 ? index & 7 : 4) << 3 | (@base & 7)));
        }
        if (mod == 1) _code.Add((byte)(sbyte)(disp / n));
        else if (mod == 2) Int32(disp);
    }

    private void Int32(int value)
    {
        _code.Add((byte)value);
        _code.Add((byte)(value >> 8));
        _code.Add((byte)(value >> 16));
        _code.Add((byte)(value >> 24));
    }
}
