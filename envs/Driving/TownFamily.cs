namespace Qail.Envs.Driving;

/// <summary>
/// Generator parameters of a family of towns. <see cref="Train"/> and <see cref="New"/> differ in grid size,
/// block lengths and missing segments, so that towns of the new family are never seen in training.
/// </summary>
/// <param name="Name">"train" or "new".</param>
/// <param name="MinColumns">Fewest north-south roads.</param>
/// <param name="MaxColumns">Most north-south roads.</param>
/// <param name="MinRows">Fewest east-west roads.</param>
/// <param name="MaxRows">Most east-west roads.</param>
/// <param name="MinBlock">Shortest distance between neighbouring roads (metres).</param>
/// <param name="MaxBlock">Longest distance between neighbouring roads (metres).</param>
/// <param name="RemovedSegments">Road segments removed at random (keeping the town connected, at least two arms per
/// intersection).</param>
/// <param name="Lights">Traffic-light timing.</param>
public sealed record TownFamily(string Name, int MinColumns, int MaxColumns, int MinRows, int MaxRows,
    double MinBlock, double MaxBlock, int RemovedSegments, TrafficLightTiming Lights)
{
    /// <summary>Training towns: full 3x3 grids with blocks of 70-90 m.</summary>
    public static readonly TownFamily Train = new("train", 3, 3, 3, 3, 70, 90, 0, new TrafficLightTiming(8.0, 2.0));

    /// <summary>
    /// Held-out towns: 3-4 x 3-4 grids with blocks of 55-110 m and two missing segments (T-junctions).
    /// </summary>
    public static readonly TownFamily New = new("new", 3, 4, 3, 4, 55, 110, 2, new TrafficLightTiming(8.0, 2.0));

    /// <summary>Generates the town of this family for <paramref name="seed"/>.</summary>
    public Town Generate(int seed)
    {
        var rng = new SplitMix64(unchecked((ulong)seed * 0x9E3779B97F4A7C15ul + 0xA0761D6478BD642Ful));
        int columns = MinColumns + rng.NextInt(MaxColumns - MinColumns + 1);
        int rows = MinRows + rng.NextInt(MaxRows - MinRows + 1);
        var xs = Lines(columns, rng);
        var ys = Lines(rows, rng);
        var east = new bool[columns, rows];
        var north = new bool[columns, rows];
        for (int i = 0; i < columns; i++)
            for (int j = 0; j < rows; j++)
            {
                east[i, j] = i + 1 < columns;
                north[i, j] = j + 1 < rows;
            }
        for (int removed = 0, tries = 0; removed < RemovedSegments && tries < 100; tries++)
        {
            bool horizontal = rng.NextInt(2) == 0;
            int i = rng.NextInt(horizontal ? columns - 1 : columns), j = rng.NextInt(horizontal ? rows : rows - 1);
            var links = horizontal ? east : north;
            if (!links[i, j]) continue;
            links[i, j] = false;
            if (Valid(east, north, columns, rows)) removed++;
            else links[i, j] = true;
        }
        return new Town(xs, ys, east, north, Lights, rng);
    }

    private double[] Lines(int count, SplitMix64 rng)
    {
        var lines = new double[count];
        for (int i = 1; i < count; i++) lines[i] = lines[i - 1] + Math.Round(rng.Uniform(MinBlock, MaxBlock));
        return lines;
    }

    // Every intersection keeps two or more arms and all intersections stay connected.
    private static bool Valid(bool[,] east, bool[,] north, int columns, int rows)
    {
        int n = columns * rows;
        var arms = new int[n];
        for (int i = 0; i < columns; i++)
            for (int j = 0; j < rows; j++)
            {
                if (i + 1 < columns && east[i, j]) { arms[j * columns + i]++; arms[j * columns + i + 1]++; }
                if (j + 1 < rows && north[i, j]) { arms[j * columns + i]++; arms[(j + 1) * columns + i]++; }
            }
        if (arms.Any(a => a < 2)) return false;
        var seen = new bool[n];
        var stack = new Stack<int>([0]);
        seen[0] = true;
        int reached = 1;
        while (stack.Count > 0)
        {
            int k = stack.Pop(), i = k % columns, j = k / columns;
            Span<int> next = [
                i + 1 < columns && east[i, j] ? k + 1 : -1,
                i > 0 && east[i - 1, j] ? k - 1 : -1,
                j + 1 < rows && north[i, j] ? k + columns : -1,
                j > 0 && north[i, j - 1] ? k - columns : -1];
            foreach (int m in next)
                if (m >= 0 && !seen[m]) { seen[m] = true; reached++; stack.Push(m); }
        }
        return reached == n;
    }
}
