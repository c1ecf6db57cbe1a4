using System.Text;

namespace Ktap.Bundle;

/// <summary>The bundle's string table: byte strings (script strings need not be UTF-8), interned.</summary>
public sealed class StringTable
{
    private readonly List<byte[]> _items = new();
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _items.Count;
    public IReadOnlyList<byte[]> Items => _items;
    public byte[] this[int index] => _items[index];

    public int Intern(string text) => Intern(Encoding.UTF8.GetBytes(text));

    public int Intern(byte[] bytes)
    {
        // Latin-1 maps every byte to one char, so it is a lossless dictionary key.
        var key = Encoding.Latin1.GetString(bytes);
        if (_index.TryGetValue(key, out var i)) return i;
        _items.Add(bytes);
        _index.Add(key, _items.Count - 1);
        return _items.Count - 1;
    }

    /// <summary>Adds <paramref name="bytes"/> as a new item even when an equal one exists (a
    /// reader keeps the file's indices); lookups keep finding the first.</summary>
    public int Append(byte[] bytes)
    {
        _items.Add(bytes);
        _index.TryAdd(Encoding.Latin1.GetString(bytes), _items.Count - 1);
        return _items.Count - 1;
    }

    public string GetText(int index) => Encoding.UTF8.GetString(_items[index]);
}
