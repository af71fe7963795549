using System.Numerics.Tensors;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// The VLA's input sequence [T, D]: the patch embeddings, the state embedding, one learned query row per action
/// dimension and the word embedding of each instruction token (gathered by id, padding included: attention masks it),
/// each plus its learned position, as the training forward concatenates and adds them.
/// </summary>
internal sealed class TokenSequence : RuntimeOp
{
    public const string Name = "token_sequence";
    private readonly EmbeddingTable _queries, _words;
    private readonly float[] _positions;

    public TokenSequence(int patches, int words, EmbeddingTable queries, EmbeddingTable vocabulary, float[] positions)
    {
        if (patches < 1 || words < 1)
            throw new ArgumentException($"TokenSequence: {patches} patches and {words} words must be positive.");
        if (queries.Dim != vocabulary.Dim)
            throw new ArgumentException(
                $"TokenSequence: query width {queries.Dim} differs from word width {vocabulary.Dim}.");
        (Patches, Words, Dim, _queries, _words) = (patches, words, queries.Dim, queries, vocabulary);
        if ((long)Tokens * Dim > RuntimeLimits.MaxValues)
            throw new ArgumentException(
                $"TokenSequence: {Tokens} tokens of width {Dim} exceed {RuntimeLimits.MaxValues} values.");
        if (positions.Length != Tokens * Dim)
            throw new ArgumentException(
                $"TokenSequence: {positions.Length} position values, expected [{Tokens}, {Dim}].", nameof(positions));
        _positions = positions;
    }

    public int Patches { get; }
    public int Words { get; }
    public int Dim { get; }
    public int Queries => _queries.Count;

    /// <summary>Sequence length: patches, the state token, the action queries, the words.</summary>
    public int Tokens => Patches + 1 + Queries + Words;

    public override string Kind => Name;
    public override IReadOnlyList<int> InputSizes => [Patches * Dim, Dim, Words];
    public override int OutputSize => Tokens * Dim;
    public override long ParameterBytes => _queries.StoredBytes + _words.StoredBytes + 4L * _positions.Length;

    public override void Run(OpInputs inputs, Span<float> output)
    {
        int d = Dim, prefix = (Patches + 1 + Queries) * d;
        inputs[0].CopyTo(output);
        inputs[1].CopyTo(output.Slice(Patches * d));
        _queries.Rows.CopyTo(output.Slice((Patches + 1) * d));
        var ids = inputs[2];
        CheckIds(ids, _words.Count);
        for (int i = 0; i < Words; i++) _words.Row((int)ids[i]).CopyTo(output.Slice(prefix + i * d, d));
        TensorPrimitives.Add(output, _positions, output);
    }

    /// <summary>
    /// Throws unless every id indexes a table of <paramref name="vocabulary"/> rows: the graph input checks ids against
    /// its declared vocabulary, but a file may pair it with a smaller table (the device form checks on the host with
    /// it).
    /// </summary>
    public static void CheckIds(ReadOnlySpan<float> ids, int vocabulary)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            float id = ids[i];
            if (!(id >= 0 && id < vocabulary) || id != MathF.Floor(id))
                throw new ArgumentException(
                    $"TokenSequence: word {i} has id {id}, outside the table's vocabulary 0..{vocabulary - 1}.",
                    nameof(ids));
        }
    }

    public override void Lower(GpuBuilder gpu)
    {
        int ids = gpu.GraphInput(2)
            ?? throw new NotSupportedException($"GpuPolicy: {gpu.Where} reads word ids from an op's output; the device "
                + "form checks them on the host and needs the instruction graph input.");
        gpu.Check(new WordIdCheck(ids, _words.Count));
        gpu.Launch("pol_token_sequence", (long)Tokens * Dim, GpuArgument.Values, gpu.Input(0), gpu.Input(1),
            gpu.Input(2), gpu.Output,
            gpu.Upload<float>(_queries.Rows), gpu.Upload<float>(_words.Rows), gpu.Upload<float>(_positions), Patches,
            Queries, Words, Dim);
    }

    public override string Describe() =>
        $"token sequence {Patches} patches + state + {Queries} queries ({_queries.Describe()}) + {Words} words ("
            + $"{_words.Describe()}, vocabulary {_words.Count}) x {Dim} + positions";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("patches", Patches);
        writer.Attribute("queries", Queries);
        writer.Attribute("words", Words);
        writer.Attribute("vocabulary", _words.Count);
        writer.Attribute("dim", Dim);
        _queries.Write(writer, "queries");
        _words.Write(writer, "word_table");
        writer.Tensor("positions", Engine.Tensor.From<float>(_positions, [Tokens, Dim]));
    }

    public static TokenSequence Read(OpReader reader)
    {
        int patches = reader.Int("patches", 1, RowCount.Max),
            queries = reader.Int("queries", 1, RuntimeLimits.MaxWidth);
        int words = reader.Int("words", 1, RuntimeLimits.MaxWidth),
            vocabulary = reader.Int("vocabulary", 1, RuntimeLimits.MaxWidth);
        int dim = reader.Int("dim", 1, RuntimeLimits.MaxWidth);
        long tokens = (long)patches + 1 + queries + words;
        if (tokens * dim > RuntimeLimits.MaxValues || (long)vocabulary * dim > RuntimeLimits.MaxValues)
            throw reader.Problem($"{tokens} tokens and a vocabulary of {vocabulary}, width {dim}, exceed "
                + $"{RuntimeLimits.MaxValues} values.");
        var queryTable = EmbeddingTable.Read(reader, "queries", queries, dim);
        var wordTable = EmbeddingTable.Read(reader, "word_table", vocabulary, dim);
        return new TokenSequence(patches, words, queryTable, wordTable, reader.Finite("positions", [(int)tokens, dim]));
    }
}
