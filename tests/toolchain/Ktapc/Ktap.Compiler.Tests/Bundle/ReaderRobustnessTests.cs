using System.Buffers.Binary;
using Ktap.Bundle;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>Whatever the bytes, the reader answers with a bundle or a BundleFormatException, nothing else.</summary>
public class ReaderRobustnessTests
{
    private static void ReadOrRefuse(byte[] data)
    {
        try { BundleReader.Read(data); }
        catch (BundleFormatException) { }
    }

    private static byte[] Reseal(byte[] b, ByteOrder order)
    {
        if (b.Length < 64) return b;
        b.AsSpan(32, 4).Clear();
        var crc = Crc32.Compute(b);
        if (order == ByteOrder.Big) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(32), crc);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), crc);
        return b;
    }

    [Theory, InlineData("x86_64"), InlineData("powerpc"), InlineData("arm64")]
    public void Every_truncation_is_refused_with_a_format_error(string target)
    {
        var b = BundleWriter.Write(SampleBundles.Create(TargetProfiles.Find(target)!));
        for (int n = 0; n < b.Length; n++)
            Assert.Throws<BundleFormatException>(() => BundleReader.Read(b.AsSpan(0, n)));
    }

    [Theory, InlineData("x86_64", 1), InlineData("powerpc", 2), InlineData("arm-v7", 3), InlineData("x86", 4), InlineData("arm64", 5)]
    public void Random_damage_never_escapes_as_another_exception(string target, int seed)
    {
        var t = TargetProfiles.Find(target)!;
        var original = BundleWriter.Write(SampleBundles.Create(t));
        var random = new Random(seed);
        for (int i = 0; i < 3000; i++)
        {
            var b = (byte[])original.Clone();
            var edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                var at = random.Next(b.Length);
                // Mostly small values and all-ones: the values that reach deep checks.
                b[at] = random.Next(4) switch { 0 => 0xFF, 1 => (byte)random.Next(4), _ => (byte)random.Next(256) };
            }
            ReadOrRefuse(Reseal(b, t.ByteOrder));
        }
    }

    [Fact]
    public void Every_single_byte_change_is_detected_by_the_checksum_or_a_field_check()
    {
        var original = BundleWriter.Write(SampleBundles.Create(TargetProfiles.ArmV7));
        for (int at = 0; at < original.Length; at++)
        {
            var b = (byte[])original.Clone();
            b[at] ^= 0x5A;
            Assert.Throws<BundleFormatException>(() => BundleReader.Read(b));
        }
    }
}
