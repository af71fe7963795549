using Qail.Engine;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// Keeps the weights of the best epoch seen so far by a validation measure (the starting point counts as epoch 0) and
/// restores them at the end, so training never hands back something worse, on validation, than it started from or
/// than an earlier epoch. An exact tie goes to the lower <c>tieBreak</c> measure when one is given (sparse 0/1
/// validation returns tie often), else to the earlier checkpoint. Optional patience stops training after that many
/// checks without improvement (early stopping), never before <c>minEpochs</c>.
/// </summary>
internal sealed class BestCheckpoint
{
    private readonly PolicyNetwork _network;
    private readonly Func<PolicyNetwork, double> _measure;
    private readonly Func<PolicyNetwork, double>? _tieBreak;
    private readonly bool _higherIsBetter;
    private readonly int _every;
    private readonly int _lastEpoch;
    private readonly int? _patience;
    private readonly int _minEpochs;
    private readonly List<(int Epoch, double Value)> _checks = [];
    private Dictionary<string, Tensor> _best;
    private double _bestValue;
    private double _bestTie = double.PositiveInfinity;
    private int _sinceBest;

    /// <summary>
    /// Measures the starting point at once; checks every <paramref name="every"/> epochs and at
    /// <paramref name="lastEpoch"/>. <paramref name="tieBreak"/> (lower is better) is measured with every check.
    /// </summary>
    public BestCheckpoint(PolicyNetwork network, Func<PolicyNetwork, double> measure, bool higherIsBetter, int every,
        int lastEpoch,
        int? patience = null, bool measureStart = true, int minEpochs = 0,
        Func<PolicyNetwork, double>? tieBreak = null)
    {
        _network = network;
        _measure = measure;
        _tieBreak = tieBreak;
        _higherIsBetter = higherIsBetter;
        _every = Math.Max(1, every);
        _lastEpoch = lastEpoch;
        _patience = patience;
        _minEpochs = minEpochs;
        _best = Snapshot();
        _bestValue = higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        ChosenEpoch = 0;
        if (measureStart) Check(0);
    }

    /// <summary>The epoch whose weights are kept (0: the start).</summary>
    public int ChosenEpoch { get; private set; }

    /// <summary>Whether the kept checkpoint won an exact tie on the tie-break measure.</summary>
    public bool TieDecided { get; private set; }

    /// <summary>Every (epoch, value) measured.</summary>
    public IReadOnlyList<(int Epoch, double Value)> Checks => _checks;

    /// <summary>The ImitationLoop hook: measures when due; true when patience ran out.</summary>
    public bool AfterEpoch(int epoch)
    {
        if (epoch % _every != 0 && epoch != _lastEpoch) return false;
        return Check(epoch);
    }

    /// <summary>Puts the best weights back into the network.</summary>
    public void Restore() => _network.LoadState(_best);

    private bool Check(int epoch)
    {
        bool wasTraining = _network.IsTraining;
        double value = _measure(_network);
        double tie = _tieBreak is null ? 0 : _tieBreak(_network);
        _network.Train(wasTraining);
        _checks.Add((epoch, value));
        bool better = _higherIsBetter ? value > _bestValue : value < _bestValue;
        if (better || (value == _bestValue && tie < _bestTie))
        {
            (_bestValue, _bestTie, ChosenEpoch, _sinceBest, TieDecided) = (value, tie, epoch, 0, !better);
            _best = Snapshot();
            return false;
        }
        return _patience is int p && ++_sinceBest >= p && epoch >= _minEpochs;
    }

    private Dictionary<string, Tensor> Snapshot() =>
        _network.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
}
