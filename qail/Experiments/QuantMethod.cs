namespace Qail.Experiments;

/// <summary>The ways of obtaining a quantized policy that the study compares.</summary>
public enum QuantMethod
{
    /// <summary>
    /// Round-to-nearest PTQ with, per layer, the best of min-max, percentile and MSE weight clipping (the strong
    /// baseline and the fine-tuned methods' start).
    /// </summary>
    Ptq,
    /// <summary>Quantization-aware fine-tuning with the imitation loss only.</summary>
    Qat,
    /// <summary>QAIL: fine-tuning with the imitation loss plus QBC alignment to the full-precision teacher.</summary>
    QailQbc,
    /// <summary>SQIL: QAIL+QBC with the alignment of salient states weighted by beta.</summary>
    Sqil,
    /// <summary>QAIL+QBC that also aligns on states the quantized policy visits (beyond the papers).</summary>
    OnPolicy,
    /// <summary>
    /// Activation-aware post-training quantization (AWQ scale search with its MSE clipping step), no fine-tuning.
    /// </summary>
    Awq,
    /// <summary>Round-to-nearest PTQ with min-max weight ranges (the weak reference row).</summary>
    PtqMinMax,
    /// <summary>GPTQ: second-order column-by-column rounding with the calibration Hessian, no fine-tuning.</summary>
    Gptq,
    /// <summary>
    /// QuaRot-style: randomized Hadamard rotations of the layers' inputs, then best-clip round-to-nearest.
    /// </summary>
    QuaRotRtn,
    /// <summary>QuaRot-style rotations, then GPTQ.</summary>
    QuaRotGptq,
}

/// <summary>Display names used in tables and reports.</summary>
public static class QuantMethodNames
{
    /// <summary>The row name of a method.</summary>
    public static string Display(this QuantMethod method) => method switch
    {
        QuantMethod.Ptq => "PTQ (best clip)",
        QuantMethod.PtqMinMax => "PTQ min-max",
        QuantMethod.Gptq => "GPTQ",
        QuantMethod.QuaRotRtn => "QuaRot RTN",
        QuantMethod.QuaRotGptq => "QuaRot GPTQ",
        QuantMethod.Qat => "QAT",
        QuantMethod.QailQbc => "QAIL+QBC",
        QuantMethod.Sqil => "SQIL",
        QuantMethod.OnPolicy => "QAIL+QBC on-policy",
        QuantMethod.Awq => "PTQ-AWQ",
        _ => method.ToString(),
    };

    /// <summary>True for the methods that fine-tune (they start from <see cref="QuantMethod.Ptq"/>).</summary>
    public static bool FineTunes(this QuantMethod method) =>
        method is QuantMethod.Qat or QuantMethod.QailQbc or QuantMethod.Sqil or QuantMethod.OnPolicy;
}
