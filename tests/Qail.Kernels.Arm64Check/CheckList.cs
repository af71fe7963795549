using Qail.Kernels.Cpu;

namespace Qail.Kernels.Arm64Check;

/// <summary>
/// Every kernel path the ARM64 run checks. Adding a kernel is one line: a check against its reference, or
/// <see cref="KernelCheck.Exact"/> over a call whose Scalar rank is the reference.
/// </summary>
internal static class CheckList
{
    public static readonly KernelCheck[] All =
    [
        new("int8-gemm", KernelChecks.Int8Gemm),
        new("int8-gemv", KernelChecks.Int8Gemv),
        new("int8-gemm-vnni512-cap", KernelChecks.Int8GemmUnderVnni512Cap),
        new("int4-integer", KernelChecks.Int4Integer),
        new("int4-float", KernelChecks.Int4Float),
        new("quantize", KernelChecks.Quantize),
        KernelCheck.Exact("quantize-per-channel", KernelChecks.QuantizePerChannel),
        new("int8-code-epilogue", KernelChecks.Int8CodeEpilogue),
        new("int8-residual-epilogue", KernelChecks.Int8ResidualEpilogue),
        KernelCheck.Exact("int8-quantize-multiply-to-float", KernelChecks.QuantizeMultiplyToFloat),
        new("sgemm", KernelChecks.Sgemm),
        new("centered-convolution", KernelChecks.CenteredConvolution),
        new("attention", FloatKernelChecks.Attention),
        new("layer-norm", FloatKernelChecks.LayerNorm),
        new("gelu", FloatKernelChecks.Gelu),
    ];
}
