using Qail.Evaluation;
using Qail.Training;

namespace Qail.Experiments;

/// <summary>One policy's line in a study: how it was made and how it did in closed loop.</summary>
/// <param name="Name">"FP32", "expert", "FP + extra epochs", "PTQ (best clip)", "QAT", ...</param>
/// <param name="Evaluation">Closed-loop results over the test seeds; each episode carries its mean action error to the
/// FP policy over every step it drove (NaN for the FP policy and the expert).</param>
/// <param name="ActionErrorOnFpStates">Mean action error to the FP policy on the states the FP policy itself visits in
/// the test episodes (no compounding); NaN where it does not apply.</param>
/// <param name="Training">Training or fine-tuning curve and validation choice (null when nothing was trained).</param>
/// <param name="Seconds">Wall time to produce the policy (training or quantization).</param>
/// <param name="Start">The policy fine-tuning started from (null when none).</param>
/// <param name="Note">What was chosen while making it (clipping per layer, epochs, screens), for the report.</param>
/// <param name="Choice">The learning rate and QBC weight chosen on validation episodes ("lr 3e-4, λ 1"), or
/// empty.</param>
public sealed record StudyRow(string Name, EvalResult Evaluation, double ActionErrorOnFpStates, TrainReport? Training,
    double Seconds,
    string? Start = null, string Note = "", string Choice = "")
{
    /// <summary>
    /// Mean action error over every step of every test episode this policy drove (NaN for FP and the expert).
    /// </summary>
    public double ActionError => Evaluation.Episodes.Average(e => e.ActionError);
}
