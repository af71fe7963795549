using System.Collections.Immutable;
using Qail.Engine;

namespace Qail.Engine.Serialization;

/// <summary>One tensor's header record: dtype, shape and its byte range [Begin, End) within the data section.</summary>
public sealed record SafeTensorsEntry(string Name, DType DType, ImmutableArray<int> Shape, long Begin, long End);
