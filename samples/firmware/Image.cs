namespace Firmware;

/// <summary>Stands for the firmware image tooling this project builds besides the scripts.</summary>
public static class Image
{
    public const string Name = "sample-firmware";
}
