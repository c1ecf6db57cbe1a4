using Ktap.Profiles;

namespace Ktap.Bundle;

// The in-memory form of a bundle: what code generation produces, what BundleWriter writes
// in the target's byte order and what BundleReader gives back. Field meanings are those of
// docs/bundle-format.md; the enums of the format (EventKind, ConstantKind, FetchSource,
// FetchType, FormatKind, LimitKey, FunctionFlags) are generated from ktap_bundle_format.def.

/// <summary>A constant-pool entry. <see cref="Value"/> is the number, or the string index for strings.</summary>
public readonly record struct Constant(ConstantKind Kind, long Value)
{
    public static Constant Nil => new(ConstantKind.Nil, 0);
    public static Constant Bool(bool b) => new(b ? ConstantKind.True : ConstantKind.False, 0);
    public static Constant Number(long n) => new(ConstantKind.Number, n);
    public static Constant String(int stringIndex) => new(ConstantKind.String, stringIndex);
}

/// <summary>One function: its instructions and the source line of each.</summary>
public sealed class FunctionModel
{
    /// <summary>String index of the name, or null for anonymous functions.</summary>
    public int? Name { get; set; }
    public List<uint> Code { get; } = new();
    public List<int> Lines { get; } = new();
    public int ParamCount { get; set; }
    public bool IsVararg { get; set; }
    public int FrameSize { get; set; }
    public int FirstLine { get; set; }
    public int LastLine { get; set; }
    public FunctionFlags Flags { get; set; }
    /// <summary>Upvalues (cells a closure of this function holds); non-zero makes the bundle format 3.</summary>
    public int UpvalueCount { get; set; }
}

/// <summary>A kprobe-tracer style fetch argument, already resolved for the target ($argN is gone).</summary>
public sealed record FetchArgModel(string Name, FetchSource Source, FetchType Type, int Register, long Offset);

/// <summary>One probe. Strings are stored as text here; the writer interns them.</summary>
public sealed record EventModel(
    EventKind Kind,
    int Handler,
    string Spec,
    string? Target,
    string? Filter,
    ulong Value,
    IReadOnlyList<FetchArgModel> FetchArgs);

/// <summary>A kernel symbol literal: constant <see cref="Constant"/> is to hold the address of
/// kernel symbol <see cref="Name"/> (the KSYMS section, resolved by ktap's linker).</summary>
public readonly record struct KernelSymbolReloc(int Constant, string Name);

/// <summary>An output call site: the host decodes records with it. Format is null for print.</summary>
public sealed record FormatModel(FormatKind Kind, int ArgCount, byte[]? Format, int Line);

/// <summary>A whole bundle for one target.</summary>
public sealed class BundleModel
{
    public BundleModel(TargetProfile target) => Target = target;

    public TargetProfile Target { get; }
    public StringTable Strings { get; } = new();
    public List<Constant> Constants { get; } = new();
    public List<FunctionModel> Functions { get; } = new();
    public int MainFunction { get; set; }
    /// <summary>Names of the global slots, by slot number.</summary>
    public List<string> Globals { get; } = new();
    public List<EventModel> Events { get; } = new();
    public List<FormatModel> Formats { get; } = new();
    /// <summary>Script arguments; item 0 is the script name. Null: no ARGS section.</summary>
    public List<string>? Arguments { get; set; }
    public List<(LimitKey Key, ulong Value)> Limits { get; } = new();
    /// <summary>Kernel symbol literals not yet resolved; a bundle with any is format 2.</summary>
    public List<KernelSymbolReloc> KernelSymbols { get; } = new();
    public string? SourceName { get; set; }
    public uint CompilerVersion { get; set; } = 0x000100;
}
