using Qail.Evaluation;
using Qail.Training;

namespace Qail.Experiments;

/// <summary>One policy's line in a study: how it was made and how it did in closed loop.</summary>
/// <param name="Name">"FP32", "PTQ", "QAT", ...</param>
/// <param name="Evaluation">Closed-loop results over the evaluation seeds.</param>
/// <param name="Discrepancy">Per-step action distance to the FP policy along one episode this policy drives (empty for FP).</param>
/// <param name="Training">Fine-tuning curve (null when nothing was trained).</param>
/// <param name="Seconds">Wall time to produce the policy (training or quantization).</param>
public sealed record StudyRow(string Name, EvalResult Evaluation, double[] Discrepancy, TrainReport? Training, double Seconds);
