namespace Qail.Runtime.Gpu;

/// <summary>The command picks one of the heads: an index in 0..heads-1, checked as <see cref="CommandSelect"/> checks it.</summary>
internal sealed class CommandCheck(int commandInput, int heads) : HostCheck
{
    public override void Run(float[][] inputs)
    {
        float command = inputs[commandInput][0];
        int index = (int)command;
        if (index != command || (uint)index >= (uint)heads)
            throw new ArgumentException($"CommandSelect: command {command} is not an index in 0..{heads - 1}.");
    }
}

/// <summary>Word ids index the embedding table: checked as <see cref="TokenSequence"/> checks them, before the kernel reads rows by them.</summary>
internal sealed class WordIdCheck(int idsInput, int vocabulary) : HostCheck
{
    public override void Run(float[][] inputs)
    {
        var ids = inputs[idsInput];
        for (int i = 0; i < ids.Length; i++)
        {
            float id = ids[i];
            if (!(id >= 0 && id < vocabulary) || id != MathF.Floor(id))
                throw new ArgumentException($"TokenSequence: word {i} has id {id}, outside the table's vocabulary 0..{vocabulary - 1}.");
        }
    }
}
