using System.Text.Json;

namespace Qail.Datasets;

/// <summary>
/// The camera streams a LeRobot v2 dataset declares in meta/info.json: features of dtype "video" (MP4 files under
/// videos/) or "image" (encoded frames in the parquet files). Qail decodes neither, so a dataset with cameras is
/// loaded only when the caller asks for its states alone.
/// </summary>
internal static class LeRobotCameras
{
    // info.json lists features and counts, a few kilobytes; anything far larger is not one.
    private const long MaxInfoBytes = 16 << 20;

    /// <summary>
    /// The camera features of the dataset at <paramref name="root"/> as (name, dtype); none without info.json.
    /// </summary>
    public static List<(string Name, string DType)> Declared(string root)
    {
        var path = Path.Combine(root, "meta", "info.json");
        var cameras = new List<(string, string)>();
        if (!File.Exists(path))
        {
            if (Directory.Exists(Path.Combine(root, "videos"))) cameras.Add(("videos/", "video"));
            return cameras;
        }
        long length = new FileInfo(path).Length;
        if (length > MaxInfoBytes)
            throw new InvalidDataException($"{path}: {length} bytes, more than an info.json holds.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message}).", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("features", out var features)
                || features.ValueKind != JsonValueKind.Object)
                return cameras;
            foreach (var feature in features.EnumerateObject())
                if (feature.Value.ValueKind == JsonValueKind.Object
                    && feature.Value.TryGetProperty("dtype", out var dtype)
                    && dtype.ValueKind == JsonValueKind.String && dtype.GetString() is "video" or "image")
                    cameras.Add((feature.Name, dtype.GetString()!));
        }
        return cameras;
    }

    /// <summary>The one-line refusal naming the cameras and how to load the states alone.</summary>
    public static string Refusal(string root, List<(string Name, string DType)> cameras) =>
        $"{root}: camera streams {string.Join(", ", cameras.Select(c => $"{c.Name} ({c.DType})"))} are not decoded " +
        "(Qail reads no MP4 video or encoded frames); pass statesOnly: true to load the state observations alone.";
}
