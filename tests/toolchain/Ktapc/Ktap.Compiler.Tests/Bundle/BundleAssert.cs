using Ktap.Bundle;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>Compares two models by content (strings resolved to their bytes, not their indices).</summary>
internal static class BundleAssert
{
    public static void SameContent(BundleModel expected, BundleModel actual)
    {
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal(expected.SourceName, actual.SourceName);
        Assert.Equal(expected.CompilerVersion, actual.CompilerVersion);
        Assert.Equal(expected.MainFunction, actual.MainFunction);
        Assert.Equal(expected.Globals, actual.Globals);
        Assert.Equal(expected.Arguments, actual.Arguments);
        Assert.Equal(expected.Limits, actual.Limits);
        Assert.Equal(expected.KernelSymbols, actual.KernelSymbols);
        Assert.Equal(expected.Constants.Select(k => Describe(expected, k)), actual.Constants.Select(k => Describe(actual, k)));
        Assert.Equal(expected.Functions.Count, actual.Functions.Count);
        for (int i = 0; i < expected.Functions.Count; i++)
        {
            var e = expected.Functions[i];
            var a = actual.Functions[i];
            Assert.Equal(e.Name is int en ? expected.Strings[en] : null, a.Name is int an ? actual.Strings[an] : null);
            Assert.Equal(e.Code, a.Code);
            Assert.Equal(e.Lines, a.Lines);
            Assert.Equal((e.ParamCount, e.IsVararg, e.FrameSize, e.FirstLine, e.LastLine, e.Flags),
                (a.ParamCount, a.IsVararg, a.FrameSize, a.FirstLine, a.LastLine, a.Flags));
        }
        Assert.Equal(expected.Events.Count, actual.Events.Count);
        for (int i = 0; i < expected.Events.Count; i++)
        {
            var e = expected.Events[i];
            var a = actual.Events[i];
            Assert.Equal((e.Kind, e.Handler, e.Spec, e.Target, e.Filter, e.Value), (a.Kind, a.Handler, a.Spec, a.Target, a.Filter, a.Value));
            Assert.Equal(e.FetchArgs, a.FetchArgs);
        }
        Assert.Equal(expected.Formats.Select(f => (f.Kind, f.ArgCount, f.Line, f.Format is null ? null : Convert.ToHexString(f.Format))),
            actual.Formats.Select(f => (f.Kind, f.ArgCount, f.Line, f.Format is null ? null : Convert.ToHexString(f.Format))));
    }

    private static string Describe(BundleModel m, Constant k) =>
        k.Kind == ConstantKind.String ? "s:" + Convert.ToHexString(m.Strings[(int)k.Value]) : $"{k.Kind}:{k.Value}";
}
