// CUDA prelude for the portable kernels: maps the shared macros onto CUDA C++. No host headers are included so
// NVRTC compiles without a CUDA toolkit install; the round-to-nearest intrinsics keep every operation a single
// IEEE rounding (no FMA contraction), which is what makes the results equal the CPU reference kernels bit for bit.
#define KERNEL extern "C" __global__
#define GLOBAL
#define GLOBAL_ID ((int)(blockIdx.x * blockDim.x + threadIdx.x))
#define ROUND_EVEN(v) rintf(v)
#define FMUL(a, b) __fmul_rn((a), (b))
#define FADD(a, b) __fadd_rn((a), (b))
#define FSUB(a, b) __fsub_rn((a), (b))
#define FDIV(a, b) __fdiv_rn((a), (b))
#define FMAX(a, b) fmaxf((a), (b))
#define FMIN(a, b) fminf((a), (b))
typedef unsigned char uchar;
// Work-group kernels (policy.cu): every launch uses groups of GROUP_SIZE work-items.
#define GROUP_SIZE 64
#define LOCAL_ID ((int)threadIdx.x)
#define GROUP_ID ((int)blockIdx.x)
#define BARRIER() __syncthreads()
#define SHARED(type, name, size) __shared__ type name[size]
#define HELPER static __device__ __forceinline__
#define FMA(a, b, c) fmaf((a), (b), (c))
#define EXPF(v) expf(v)
#define TANHF(v) tanhf(v)
#define NEG_INF __int_as_float(0xff800000)
#define DADD(a, b) __dadd_rn((a), (b))
#define DSUB(a, b) __dsub_rn((a), (b))
#define DMUL(a, b) __dmul_rn((a), (b))
#define DDIV(a, b) __ddiv_rn((a), (b))
#define DSQRT(v) __dsqrt_rn(v)
#define DEXP(v) exp(v)
// Four signed 8-bit products summed into c: one dp4a instruction from sm_61 on (inline PTX: NVRTC without the
// toolkit headers declares __dp4a but has no body for it).
#if __CUDA_ARCH__ >= 610
static __device__ __forceinline__ int dp4a_s32(int a, int b, int c)
{
    int d;
    asm("dp4a.s32.s32 %0, %1, %2, %3;" : "=r"(d) : "r"(a), "r"(b), "r"(c));
    return d;
}
#define DOT4(a, b, c) dp4a_s32((a), (b), (c))
#else
#define DOT4(a, b, c) dot4_bytes((a), (b), (c))
#endif
