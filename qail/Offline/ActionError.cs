namespace Qail.Offline;

/// <summary>
/// How far a policy's actions are from the demonstrations' labels on held-out steps: the mean per-step L2 distance,
/// and per action dimension the mean absolute error and the root mean squared error.
/// </summary>
public sealed record ActionError(int Steps, double MeanL2, double[] MeanAbsolute, double[] RootMeanSquared);
