namespace Qail.Envs.Manipulation;

/// <summary>The fixed word list of the manipulation instructions; token 0 is padding, ids are list positions.</summary>
public static class InstructionVocabulary
{
    /// <summary>Token count of every instruction (padded with 0).</summary>
    public const int Length = 40;

    /// <summary>The words; index = token id.</summary>
    public static IReadOnlyList<string> Words { get; } = Array.AsReadOnly(
    [
        "<pad>", "put", "the", "in", "on", "stack", "push", "to", "of", "then",
        "left", "right", "front", "back",
        "block", "cylinder", "bowl", "plate",
        "red", "green", "blue", "yellow", "orange", "purple", "white",
    ]);

    private static readonly Dictionary<string, int> Ids = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w,
        p => p.i, StringComparer.Ordinal);

    /// <summary>The instruction layout for <see cref="EnvSpec.Instruction"/>.</summary>
    public static InstructionSpec Spec { get; } = new(Length, Words.Count, Words);

    /// <summary>Token ids of a space-separated sentence, padded with 0 to <see cref="Length"/>.</summary>
    /// <exception cref="ArgumentException">A word is not in the vocabulary, or the sentence is longer than
    /// <see cref="Length"/> words.</exception>
    public static int[] Tokenize(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        string[] words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > Length)
            throw new ArgumentException(
                $"InstructionVocabulary.Tokenize: {words.Length} words exceed the length {Length}: '{sentence}'.",
                nameof(sentence));
        var tokens = new int[Length];
        for (int i = 0; i < words.Length; i++)
        {
            if (words[i] == Words[0] || !Ids.TryGetValue(words[i], out tokens[i]))
                throw new ArgumentException(
                    $"InstructionVocabulary.Tokenize: word '{words[i]}' is not in the vocabulary.", nameof(sentence));
        }
        return tokens;
    }

    /// <summary>The sentence of a token sequence (padding dropped).</summary>
    /// <exception cref="ArgumentException">A token id is outside the vocabulary.</exception>
    public static string Detokenize(ReadOnlySpan<int> tokens)
    {
        var words = new List<string>();
        foreach (int t in tokens)
        {
            if ((uint)t >= (uint)Words.Count)
                throw new ArgumentException($"InstructionVocabulary.Detokenize: token {t} outside [0, {Words.Count}).",
                    nameof(tokens));
            if (t != 0) words.Add(Words[t]);
        }
        return string.Join(' ', words);
    }
}
