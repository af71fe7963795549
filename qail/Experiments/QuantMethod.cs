namespace Qail.Experiments;

/// <summary>The ways of obtaining a quantized policy that the study compares.</summary>
public enum QuantMethod
{
    /// <summary>Round-to-nearest post-training quantization of the trained policy, no fine-tuning.</summary>
    Ptq,
    /// <summary>Quantization-aware fine-tuning with the imitation loss only.</summary>
    Qat,
    /// <summary>QAIL: fine-tuning with the imitation loss plus QBC alignment to the full-precision teacher.</summary>
    QailQbc,
    /// <summary>SQIL: QAIL+QBC with the alignment of salient states weighted by beta.</summary>
    Sqil,
    /// <summary>QAIL+QBC that also aligns on states the quantized policy visits (beyond the papers).</summary>
    OnPolicy,
    /// <summary>Activation-aware post-training quantization (AWQ scale search, SmoothQuant-style with activations), no fine-tuning.</summary>
    Awq,
}

/// <summary>Display names used in tables and reports.</summary>
public static class QuantMethodNames
{
    public static string Display(this QuantMethod method) => method switch
    {
        QuantMethod.Ptq => "PTQ",
        QuantMethod.Qat => "QAT",
        QuantMethod.QailQbc => "QAIL+QBC",
        QuantMethod.Sqil => "SQIL",
        QuantMethod.OnPolicy => "QAIL+QBC on-policy",
        QuantMethod.Awq => "PTQ-AWQ",
        _ => method.ToString(),
    };
}
