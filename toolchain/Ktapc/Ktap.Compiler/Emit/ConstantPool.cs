using Ktap.Bundle;

namespace Ktap.Emit;

/// <summary>The bundle's constant pool: one entry per distinct constant, strings through the string table.</summary>
public sealed class ConstantPool(BundleModel model)
{
    private readonly Dictionary<Constant, int> _index = new();
    private readonly Dictionary<string, int> _symbols = new(StringComparer.Ordinal);

    public int Number(long value) => Add(Constant.Number(value));
    public int String(byte[] bytes) => Add(Constant.String(model.Strings.Intern(bytes)));
    public int String(string text) => Add(Constant.String(model.Strings.Intern(text)));
    public int Nil() => Add(Constant.Nil);
    public int Bool(bool b) => Add(Constant.Bool(b));

    /// <summary>
    /// A kernel symbol literal: a number constant of its own (one per name, never shared
    /// with an equal number) holding 0 until the host links the bundle for a board and
    /// writes the symbol's address into it (the bundle's KSYMS relocations).
    /// </summary>
    public int KernelSymbol(string name)
    {
        if (_symbols.TryGetValue(name, out var i)) return i;
        model.Constants.Add(Constant.Number(0));
        i = model.Constants.Count - 1;
        model.KernelSymbols.Add(new KernelSymbolReloc(i, name));
        _symbols.Add(name, i);
        return i;
    }

    private int Add(Constant c)
    {
        if (_index.TryGetValue(c, out var i)) return i;
        model.Constants.Add(c);
        _index.Add(c, model.Constants.Count - 1);
        return model.Constants.Count - 1;
    }
}
