namespace Qail.Runtime.Gpu;

/// <summary>The command picks one of the heads, checked as <see cref="CommandSelect"/> checks it.</summary>
internal sealed class CommandCheck(int commandInput, int heads) : HostCheck
{
    public override void Run(float[][] inputs) => CommandSelect.Index(inputs[commandInput][0], heads);
}

/// <summary>
/// Word ids index the embedding table, checked as <see cref="TokenSequence"/> checks them, before the kernel reads rows
/// by them.
/// </summary>
internal sealed class WordIdCheck(int idsInput, int vocabulary) : HostCheck
{
    public override void Run(float[][] inputs) => TokenSequence.CheckIds(inputs[idsInput], vocabulary);
}
