namespace Qail.Kernels.Cuda;

/// <summary>An OpenCL call failed; the message names the call and the error code.</summary>
public sealed class OpenClException(string message) : Exception(message)
{
}
