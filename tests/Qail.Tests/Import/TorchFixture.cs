using Qail.Import;

namespace Qail.Tests.Import;

/// <summary>The state dicts PyTorch wrote (tests/fixtures/torch/make_fixtures.py), copied beside the tests.</summary>
internal static class TorchFixture
{
    public static string Path(string name) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "torch", name);

    public static IReadOnlyDictionary<string, TorchTensor> Read(string name) => TorchStateDict.Load(Path(name)).Floats;
}
