using Ktap.Bundle;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Bundle;

public class RoundTripTests
{
    public static TheoryData<string> Targets() => new(TargetProfiles.All.Select(t => t.Name));

    [Theory, MemberData(nameof(Targets))]
    public void Write_then_read_gives_the_same_bundle(string target)
    {
        var model = SampleBundles.Create(TargetProfiles.Find(target)!);
        var bytes = BundleWriter.Write(model);
        var read = BundleReader.Read(bytes);
        BundleAssert.SameContent(model, read);
        // Writing what was read reproduces the file byte for byte.
        Assert.Equal(bytes, BundleWriter.Write(read));
    }

    [Theory, MemberData(nameof(Targets))]
    public void A_minimal_bundle_round_trips(string target)
    {
        var model = new BundleModel(TargetProfiles.Find(target)!);
        var f = new FunctionModel { FrameSize = 1, Flags = FunctionFlags.Main };
        f.Code.Add(Ktap.Bytecode.Instruction.ABC(Ktap.Bytecode.Opcode.RETURN, 0, 1, 0));
        f.Lines.Add(1);
        model.Functions.Add(f);
        var read = BundleReader.Read(BundleWriter.Write(model));
        BundleAssert.SameContent(model, read);
        Assert.Null(read.Arguments);
        Assert.Empty(read.Limits);
    }

    [Fact]
    public void Writing_does_not_change_the_model()
    {
        var model = SampleBundles.Create(TargetProfiles.X86_64);
        var before = model.Strings.Count;
        BundleWriter.Write(model);
        Assert.Equal(before, model.Strings.Count);
    }

    [Fact]
    public void The_same_model_gives_different_bytes_per_byte_order_but_the_same_size()
    {
        var le = BundleWriter.Write(SampleBundles.Create(TargetProfiles.ArmV7));
        var be = BundleWriter.Write(SampleBundles.Create(TargetProfiles.PowerPC));
        Assert.Equal(le.Length, be.Length);
        Assert.NotEqual(le, be);
    }

    [Fact]
    public void Crc32_matches_the_IEEE_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void The_writer_refuses_a_model_the_reader_would_refuse()
    {
        var m = SampleBundles.Create(TargetProfiles.X86);
        for (int i = 0; i < 65537; i++) m.Constants.Add(Constant.Number(i));
        Assert.Equal("bundle has 65543 constants, the format allows at most 65536",
            Assert.Throws<InvalidOperationException>(() => BundleWriter.Write(m)).Message);
        Assert.Equal("bundle has no functions; the main function is required",
            Assert.Throws<InvalidOperationException>(() => BundleWriter.Write(new BundleModel(TargetProfiles.X86))).Message);
        var f = SampleBundles.Create(TargetProfiles.X86);
        f.Functions[0].Lines.RemoveAt(0);
        Assert.Equal("function 0 has 3 instructions but 2 lines",
            Assert.Throws<InvalidOperationException>(() => BundleWriter.Write(f)).Message);
    }
}
