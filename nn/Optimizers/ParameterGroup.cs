using Qail.Autograd;

namespace Qail.Nn;

/// <summary>
/// Parameters that share a learning rate and weight decay (e.g. quantizer step sizes at a smaller rate).
/// </summary>
public sealed class ParameterGroup
{
    /// <summary>Creates a group; the rate must be non-negative and finite, the decay non-negative.</summary>
    public ParameterGroup(IEnumerable<Variable> parameters, double learningRate, double weightDecay = 0,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate,
                "ParameterGroup: learning rate must be finite and non-negative.");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay,
                "ParameterGroup: weight decay must be finite and non-negative.");
        Parameters = parameters.ToArray();
        BaseLearningRate = learningRate;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        Name = name;
    }

    /// <summary>The group's parameters.</summary>
    public IReadOnlyList<Variable> Parameters { get; }

    /// <summary>The rate given at construction; schedules scale it.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The rate the next step uses.</summary>
    public double LearningRate { get; set; }

    /// <summary>Weight decay: an L2 term in the gradient for SGD and Adam, decoupled for AdamW.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Optional label for messages.</summary>
    public string? Name { get; }
}
