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
