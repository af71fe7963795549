namespace Qail.Envs.Manipulation;

/// <summary>
/// One rigid object on the table, in the 2.5-D model: a disc footprint (centre X, Y and radius, metres) extruded from
/// <see cref="Base"/> to <see cref="Top"/>, resting on <see cref="Support"/> (another object's index, the table, or the
/// gripper).
/// </summary>
public sealed class TabletopObject
{
    /// <summary>Creates an object of the given kind and colour at the origin on the table.</summary>
    public TabletopObject(ObjectKind kind, ObjectColour colour)
    {
        Kind = kind;
        Colour = colour;
        (Radius, Height) = kind switch
        {
            ObjectKind.Block => (0.025, 0.045),
            ObjectKind.Cylinder => (0.022, 0.06),
            ObjectKind.Bowl => (0.06, 0.04),
            ObjectKind.Plate => (0.075, 0.012),
            _ => throw new ArgumentException($"TabletopObject: unknown kind {kind}.", nameof(kind)),
        };
        Support = Tabletop.OnTable;
    }

    /// <summary>What the object is.</summary>
    public ObjectKind Kind { get; }

    /// <summary>Its colour.</summary>
    public ObjectColour Colour { get; }

    /// <summary>Footprint radius in metres (blocks collide as their inscribed disc).</summary>
    public double Radius { get; }

    /// <summary>Height in metres.</summary>
    public double Height { get; }

    /// <summary>Footprint centre, metres; x grows to the right of the camera image.</summary>
    public double X { get; internal set; }

    /// <summary>Footprint centre, metres; y grows towards the top of the camera image (away from the robot).</summary>
    public double Y { get; internal set; }

    /// <summary>Height of the bottom face above the table, metres.</summary>
    public double Base { get; internal set; }

    /// <summary>
    /// What it rests on: an object index, <see cref="Tabletop.OnTable"/> or <see cref="Tabletop.InGripper"/>.
    /// </summary>
    public int Support { get; internal set; }

    /// <summary>Height of the top face above the table, metres.</summary>
    public double Top => Base + Height;

    /// <summary>Whether the gripper can pick it up.</summary>
    public bool IsGraspable => Kind != ObjectKind.Plate;

    /// <summary>Radius inside a bowl's rim, where objects rest on its floor.</summary>
    public double InnerRadius => Kind == ObjectKind.Bowl ? 0.05 : 0.0;

    /// <summary>Height of a bowl's floor above its base.</summary>
    public double FloorHeight => Kind == ObjectKind.Bowl ? 0.008 : Height;

    /// <summary>The instruction words naming it, e.g. "red block".</summary>
    public string Words => $"{ColourWord(Colour)} {KindWord(Kind)}";

    /// <summary>The instruction word of a colour.</summary>
    public static string ColourWord(ObjectColour colour) => colour switch
    {
        ObjectColour.Red => "red",
        ObjectColour.Green => "green",
        ObjectColour.Blue => "blue",
        ObjectColour.Yellow => "yellow",
        ObjectColour.Orange => "orange",
        ObjectColour.Purple => "purple",
        ObjectColour.White => "white",
        _ => throw new ArgumentException($"TabletopObject: unknown colour {(int)colour}.", nameof(colour)),
    };

    /// <summary>The instruction word of a kind.</summary>
    public static string KindWord(ObjectKind kind) => kind switch
    {
        ObjectKind.Block => "block",
        ObjectKind.Cylinder => "cylinder",
        ObjectKind.Bowl => "bowl",
        ObjectKind.Plate => "plate",
        _ => throw new ArgumentException($"TabletopObject: unknown kind {(int)kind}.", nameof(kind)),
    };
}
