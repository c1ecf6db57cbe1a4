using System.Reflection;
using Ktap.Syntax;

namespace Ktap.Compiler.Tests.Syntax;

/// <summary>The syntax tree is immutable: the binder's decisions live in its BindingTable and
/// registers in the emitter, so no type of Ktap.Syntax may have a settable property or a
/// writable field (a new annotation on a node is a bug this test catches).</summary>
public sealed class ImmutableTreeTests
{
    public static TheoryData<string> SyntaxTypes()
    {
        var data = new TheoryData<string>();
        foreach (var t in typeof(Node).Assembly.GetTypes().Where(t => t.Namespace == "Ktap.Syntax" && t.IsClass && !t.Name.StartsWith('<')))
            data.Add(t.FullName!);
        return data;
    }

    [Fact]
    public void TheTreeHasItsNodeTypes() => Assert.True(SyntaxTypes().Count >= 30);

    [Theory]
    [MemberData(nameof(SyntaxTypes))]
    public void NoPropertyOrFieldCanBeWritten(string typeName)
    {
        var t = typeof(Node).Assembly.GetType(typeName)!;
        // Parser and Lexer are the tree's builders, not nodes: their working state may change.
        if (t.Name is "Parser" or "Lexer" || t.Name.StartsWith("Parser", StringComparison.Ordinal)) return;
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var settable = t.GetProperties(all).Where(p => p.SetMethod is { } s && !s.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit")).Select(p => p.Name);
        var writable = t.GetFields(all).Where(f => !f.IsInitOnly && !f.IsLiteral).Select(f => f.Name);
        Assert.Empty(settable.Concat(writable));
    }
}
