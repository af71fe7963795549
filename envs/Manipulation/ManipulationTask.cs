namespace Qail.Envs.Manipulation;

/// <summary>
/// One task of a suite: the objects, the goals to make true together, the instruction, and how to lay the objects out:
/// around fixed <see cref="Nominal"/> positions jittered by up to <see cref="Jitter"/> metres, or anywhere on the table
/// when null.
/// </summary>
public sealed record ManipulationTask(
    IReadOnlyList<ObjectSpec> Objects,
    IReadOnlyList<TaskGoal> Goals,
    string Instruction,
    IReadOnlyList<(double X, double Y)>? Nominal,
    double Jitter);
