namespace Ktap.Targets.Tests.Integration;

/// <summary>The header fields that say which target a bundle is for (docs/bundle-format.md).</summary>
public sealed record BundleHeader(byte FormatVersion, byte ByteOrder, byte WordSize, byte Arch, byte[] EndianCheck)
{
    public const byte LittleEndian = 1, BigEndian = 2;
    public const byte ArchX86_64 = 2, ArchArmV7 = 3, ArchPowerPC = 4;

    public static BundleHeader Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 64, $"{path} is {bytes.Length} bytes, shorter than a bundle header");
        Assert.Equal(new byte[] { 0x1B, 0x4B, 0x42, 0x43 }, bytes[..4]);
        return new BundleHeader(bytes[4], bytes[5], bytes[6], bytes[7], bytes[8..12]);
    }

    /// <summary>Byte order field and the u32 0x4B544150 written in that order agree.</summary>
    public void AssertTarget(byte byteOrder, byte arch, byte wordSize)
    {
        Assert.Equal(1, FormatVersion);
        Assert.Equal(byteOrder, ByteOrder);
        Assert.Equal(arch, Arch);
        Assert.Equal(wordSize, WordSize);
        Assert.Equal(byteOrder == LittleEndian ? new byte[] { 0x50, 0x41, 0x54, 0x4B } : new byte[] { 0x4B, 0x54, 0x41, 0x50 }, EndianCheck);
    }
}
