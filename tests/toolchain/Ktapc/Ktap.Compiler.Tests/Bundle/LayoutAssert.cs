namespace Ktap.Compiler.Tests.Bundle;

/// <summary>Checks of a definition's layouts (the bundle's and the record stream's).</summary>
internal static class LayoutAssert
{
    /// <summary>The fields follow each other without gap or overlap from 0 and end at <paramref name="size"/>.</summary>
    public static void Tiles(string what, IEnumerable<(string Name, int Offset, int Size)> fields, int size)
    {
        var at = 0;
        foreach (var f in fields)
        {
            Assert.True(f.Offset == at, $"{what} field {f.Name} at {f.Offset}, the one before it ends at {at}");
            at += f.Size;
        }
        Assert.Equal(size, at);
    }
}
