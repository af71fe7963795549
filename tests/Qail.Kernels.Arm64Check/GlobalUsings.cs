global using Qail.Kernels.Cpu;
