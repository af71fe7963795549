namespace Qail.Envs.Manipulation;

/// <summary>An object to place in a layout: its kind and colour.</summary>
public readonly record struct ObjectSpec(ObjectKind Kind, ObjectColour Colour);
