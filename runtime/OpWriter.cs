using System.Text.Json;
using Qail.Engine;

namespace Qail.Runtime;

/// <summary>
/// Collects one op's attributes (into the policy file's JSON config) and tensors (named "ops.{index}.{name}").
/// </summary>
internal sealed class OpWriter(Utf8JsonWriter json, IDictionary<string, Tensor> tensors, string prefix)
{
    public void Attribute(string name, int value) => json.WriteNumber(name, value);

    public void Attribute(string name, bool value) => json.WriteBoolean(name, value);

    public void Tensor(string name, Tensor value) => tensors.Add(prefix + name, value);
}
