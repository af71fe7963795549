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
