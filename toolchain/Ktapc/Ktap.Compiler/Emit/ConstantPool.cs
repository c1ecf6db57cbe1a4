using Ktap.Bundle;

namespace Ktap.Emit;

/// <summary>The bundle's constant pool: one entry per distinct constant, strings through the string table.</summary>
public sealed class ConstantPool(BundleModel model)
{
    private readonly Dictionary<Constant, int> _index = new();

    public int Number(long value) => Add(Constant.Number(value));
    public int String(byte[] bytes) => Add(Constant.String(model.Strings.Intern(bytes)));
    public int String(string text) => Add(Constant.String(model.Strings.Intern(text)));
    public int Nil() => Add(Constant.Nil);
    public int Bool(bool b) => Add(Constant.Bool(b));

    private int Add(Constant c)
    {
        if (_index.TryGetValue(c, out var i)) return i;
        model.Constants.Add(c);
        _index.Add(c, model.Constants.Count - 1);
        return model.Constants.Count - 1;
    }
}
