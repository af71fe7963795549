// OpenCL C prelude for the portable kernels. Contraction is off and the program is built with
// -cl-fp32-correctly-rounded-divide-sqrt, so each operation is one IEEE rounding as in the CPU reference.
#pragma OPENCL FP_CONTRACT OFF
#define KERNEL __kernel
#define GLOBAL __global
#define GLOBAL_ID ((int)get_global_id(0))
#define ROUND_EVEN(v) rint(v)
#define FMUL(a, b) ((a) * (b))
#define FADD(a, b) ((a) + (b))
#define FSUB(a, b) ((a) - (b))
#define FDIV(a, b) ((a) / (b))
#define FMAX(a, b) fmax((a), (b))
#define FMIN(a, b) fmin((a), (b))
// Work-group kernels (policy.cu): every launch uses groups of GROUP_SIZE work-items. Layer norm and the bin
// action run in double like the CPU runtime: the policy program enables cl_khr_fp64 (PoCL and discrete GPUs have it).
#define GROUP_SIZE 64
#define LOCAL_ID ((int)get_local_id(0))
#define GROUP_ID ((int)get_group_id(0))
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define SHARED(type, name, size) __local type name[size]
#define HELPER static inline
#define FMA(a, b, c) fma((a), (b), (c))
#define EXPF(v) exp(v)
#define TANHF(v) tanh(v)
#define NEG_INF (-INFINITY)
#define DADD(a, b) ((a) + (b))
#define DSUB(a, b) ((a) - (b))
#define DMUL(a, b) ((a) * (b))
#define DDIV(a, b) ((a) / (b))
#define DSQRT(v) sqrt(v)
#define DEXP(v) exp(v)
#define DOT4(a, b, c) dot4_bytes((a), (b), (c))
