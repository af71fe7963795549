namespace Qail.Envs.Driving;

/// <summary>Plans routes on a town's lane graph: Dijkstra over road lanes, edge cost = length in metres.</summary>
public static class RoutePlanner
{
    /// <summary>Where on the first lane the ego's centre starts, metres past the stop line behind it.</summary>
    public const double StartOffset = 6.0;

    /// <summary>Where on the last lane the goal lies, metres past the box (at most).</summary>
    public const double GoalOffset = 30.0;

    /// <summary>
    /// A random route crossing <paramref name="intersections"/> intersections (fewer only when the town has no such
    /// route from the drawn start): the start lane and the goal lane are drawn from <paramref name="rng"/> and the
    /// shortest path between them is taken.
    /// </summary>
    public static Route Plan(Town town, SplitMix64 rng, int intersections)
    {
        ArgumentNullException.ThrowIfNull(town);
        if (intersections < 1)
            throw new ArgumentException($"RoutePlanner.Plan: intersections must be >= 1, got {intersections}.",
                nameof(intersections));
        var roads = town.Edges.Where(e => !e.IsConnector).Select(e => e.Index).ToArray();
        int start = roads[rng.NextInt(roads.Length)];
        var (hops, previous) = ShortestPaths(town, start);
        int reach = Math.Min(intersections, roads.Max(r => hops[r]));
        var goals = roads.Where(r => r != start && hops[r] == reach).ToArray();
        int goal = reach == 0 ? start : goals[rng.NextInt(goals.Length)];

        var edges = new List<int>();
        for (int r = goal; r != start; r = previous[previous[r]])
        {
            edges.Add(r);
            edges.Add(previous[r]);
        }
        edges.Add(start);
        edges.Reverse();
        return Build(town, edges);
    }

    /// <summary>
    /// The route along the given lane-graph edges (road, connector, road, ...), from the start offset to the goal
    /// offset.
    /// </summary>
    public static Route Build(Town town, IReadOnlyList<int> edges)
    {
        ArgumentNullException.ThrowIfNull(town);
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count < 1 || edges.Count % 2 == 0)
            throw new ArgumentException(
                $"RoutePlanner.Build: expected road, connector, ..., road edges, got {edges.Count} edges.",
                nameof(edges));
        for (int i = 0; i < edges.Count; i++)
        {
            if ((uint)edges[i] >= (uint)town.Edges.Count)
                throw new ArgumentException($"RoutePlanner.Build: edge {edges[i]} outside 0..{town.Edges.Count - 1}.",
                    nameof(edges));
            if (town.Edges[edges[i]].IsConnector != (i % 2 == 1)
                || (i > 0 && !town.Edges[edges[i - 1]].Successors.Contains(edges[i])))
                throw new ArgumentException(
                    $"RoutePlanner.Build: edge {edges[i]} at position {i} does not continue the route.", nameof(edges));
        }
        var points = new List<Vec2>();
        var junctions = new List<RouteJunction>();
        double arc = 0;
        for (int i = 0; i < edges.Count; i++)
        {
            var edge = town.Edges[edges[i]];
            var path = edge.Path;
            double from = i == 0 ? StartOffset : 0;
            double to = i == edges.Count - 1 ? Math.Min(GoalOffset, path.Length - 12.0) : path.Length;
            if (edge.IsConnector)
                junctions.Add(new RouteJunction(edge.Intersection, edge.Direction, edge.Turn, arc, arc + path.Length));
            Add(points, path.PointAt(from));
            var vertices = path.Points;
            var arcs = path.ArcLengths;
            for (int v = 0; v < vertices.Length; v++)
                if (arcs[v] > from && arcs[v] < to) Add(points, vertices[v]);
            Add(points, path.PointAt(to));
            arc += to - from;
        }
        return new Route([.. edges], new Polyline(points), junctions);
    }

    private static void Add(List<Vec2> points, Vec2 p)
    {
        if (points.Count == 0 || (points[^1] - p).LengthSquared > 1e-12) points.Add(p);
    }

    // Dijkstra from the start lane over road lanes; previous[road] = connector, previous[connector] = road before it.
    private static (int[] Hops, int[] Previous) ShortestPaths(Town town, int start)
    {
        int n = town.Edges.Count;
        var distance = new double[n];
        var hops = new int[n];
        var previous = new int[n];
        Array.Fill(distance, double.PositiveInfinity);
        Array.Fill(previous, -1);
        distance[start] = 0;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(start, 0);
        while (queue.TryDequeue(out int road, out double d))
        {
            if (d > distance[road]) continue;
            var edge = town.Edges[road];
            foreach (int connector in edge.Successors)
            {
                int next = town.Edges[connector].Successors[0];
                double candidate = d + edge.Path.Length + town.Edges[connector].Path.Length;
                if (next == start || candidate >= distance[next]) continue;
                distance[next] = candidate;
                hops[next] = hops[road] + 1;
                previous[next] = connector;
                previous[connector] = road;
                queue.Enqueue(next, candidate);
            }
        }
        return (hops, previous);
    }
}
