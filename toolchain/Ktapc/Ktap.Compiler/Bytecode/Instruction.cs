namespace Ktap.Bytecode;

/// <summary>
/// Encoding of one 32-bit instruction; the bit layout is drawn in runtime/ktapvm/ktap_opcodes.def.
/// </summary>
public static class Instruction
{
    public const int MaxA = 255;
    public const int MaxBC = 511;
    public const int MaxBx = (1 << 18) - 1;
    public const int SBxBias = 131071;
    /// <summary>RK operands at or above this refer to constant (operand - RKConstantBit).</summary>
    public const int RKConstantBit = 256;
    /// <summary>Largest register frame a function may have.</summary>
    public const int MaxRegisters = 250;

    public static uint ABC(Opcode op, int a, int b, int c)
    {
        Check(a, MaxA, nameof(a)); Check(b, MaxBC, nameof(b)); Check(c, MaxBC, nameof(c));
        return (uint)op | ((uint)a << 6) | ((uint)c << 14) | ((uint)b << 23);
    }

    public static uint ABx(Opcode op, int a, int bx)
    {
        Check(a, MaxA, nameof(a)); Check(bx, MaxBx, nameof(bx));
        return (uint)op | ((uint)a << 6) | ((uint)bx << 14);
    }

    public static uint AsBx(Opcode op, int a, int sbx) => ABx(op, a, sbx + SBxBias);

    public static Opcode Op(uint i) => (Opcode)(i & 0x3F);
    public static int A(uint i) => (int)((i >> 6) & 0xFF);
    public static int C(uint i) => (int)((i >> 14) & 0x1FF);
    public static int B(uint i) => (int)(i >> 23);
    public static int Bx(uint i) => (int)(i >> 14);
    public static int SBx(uint i) => Bx(i) - SBxBias;

    private static void Check(int v, int max, string name)
    {
        if (v < 0 || v > max) throw new ArgumentOutOfRangeException(name, v, $"operand {name} must be in 0..{max}");
    }
}
