namespace Qail.DeviceCheck;

/// <summary>The outcome of one kernel-versus-CPU-reference check.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail);
