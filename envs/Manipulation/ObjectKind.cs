namespace Qail.Envs.Manipulation;

/// <summary>What a tabletop object is; fixes its footprint, height and whether the gripper can pick it up.</summary>
public enum ObjectKind
{
    /// <summary>A cube, 5 cm across, 4.5 cm tall; graspable.</summary>
    Block,

    /// <summary>An upright cylinder, 4.4 cm across, 6 cm tall; graspable.</summary>
    Cylinder,

    /// <summary>A bowl, 12 cm across, 4 cm tall, with a floor 0.8 cm up; holds objects; graspable by its rim.</summary>
    Bowl,

    /// <summary>A flat plate, 15 cm across, 1.2 cm tall; holds objects; too flat to grasp.</summary>
    Plate,
}
