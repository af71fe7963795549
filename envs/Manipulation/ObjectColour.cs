namespace Qail.Envs.Manipulation;

/// <summary>Colours of tabletop objects; each is one instruction word.</summary>
public enum ObjectColour
{
    Red,
    Green,
    Blue,
    Yellow,
    Orange,
    Purple,
    White,
}
