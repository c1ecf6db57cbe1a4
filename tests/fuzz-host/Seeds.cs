using System.Buffers.Binary;
using System.Text;
using Ktap.Compilation;
using Ktap.Output;
using L = Ktap.Output.RecordLayout;

namespace Ktap.FuzzHost;

/// <summary>Valid inputs each target starts from (written to a folder for AFL++, or mutated in-process).</summary>
public static class Seeds
{
    public static IReadOnlyList<byte[]> For(string target) => target switch
    {
        "record" or "stream" => [Records(), [(byte)7, .. Records()], [(byte)0, .. Records()]],
        "elf" => [Elf(), .. File.Exists("/bin/true") ? new[] { File.ReadAllBytes("/bin/true") } : []],
        "catalog" => [Text("sched/sched_switch/format:\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\nsyscalls/sys_enter_open/format:\tfield:__data_loc char[] filename;\toffset:16;\nvfs_read\nvfs_write [ext4]\n")],
        "facts" => [Text("release=6.1.0-13-amd64\nmachine=x86_64\nelfdata=1\ntracefs=/sys/kernel/tracing\ntracefs_mounted=1\nhave_events=1\nconfig_CONFIG_KPROBES=y\nconfig_source=/proc/config.gz\nmodule_loaded=1\nmodule_param_runtime_abi=1\ndev_ktap=1\nmodule_banner=/dev/ktap ready (x86_64, runtime ABI 1)\nmemavailable_kb=400000\n")],
        "yaml" => [Text("name: fuzz\ntarget: x86_64\nhost: 127.0.0.1\nport: 10022\nuser: root\nidentity_file: ~/.ssh/id\nhost_key:\n  fingerprint: SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nemulated: false\n"), Text("{name: fuzz, target: [x86_64], host_key: {known_hosts: ~/.ssh/kh}}\n")],
        "knownhosts" => [Text("board ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n[127.0.0.1]:10022,!bad*,b?ard ssh-ed25519 AAAA\n@revoked * ssh-rsa AAAA\n|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAA\n# comment\n")],
        "bundle" => [Bundle("trace sched:sched_switch { printf(\"%s %d\\n\", args.prev_comm, 3) }\ntrace_end { var t = ptable(); t[1] <<< 2; histogram(t) }\n")],
        _ => throw new ArgumentException(target),
    };

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Bundle(string source)
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "fuzz.kp", source));
        if (!r.Success) throw new InvalidOperationException("seed script does not compile: " + string.Join("; ", r.Diagnostics));
        return r.Bundle!;
    }

    // print, printf, dynamic printf, error, histogram, hist, lhist, backtrace, ansi, summary
    private static byte[] Records()
    {
        var w = new List<byte>();
        void Rec(RecordKind kind, uint a, Action<List<byte>> body)
        {
            var b = new List<byte>();
            body(b);
            while ((L.HeaderSize + b.Count) % L.Align != 0) b.Add(0);
            var h = new byte[L.HeaderSize];
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(L.OffLength), (uint)(L.HeaderSize + b.Count));
            BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(L.OffKind), (ushort)kind);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(L.OffA), a);
            w.AddRange(h);
            w.AddRange(b);
        }
        void U32(List<byte> b, uint v) { var x = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(x, v); b.AddRange(x); }
        void I64(List<byte> b, long v) { var x = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(x, v); b.AddRange(x); }
        void Num(List<byte> b, long v) { b.Add((byte)ValueTag.Number); I64(b, v); }
        void Str(List<byte> b, string s) { b.Add((byte)ValueTag.String); var x = Encoding.UTF8.GetBytes(s); U32(b, (uint)x.Length); b.AddRange(x); }
        Rec(RecordKind.Print, 3, b => { Str(b, "hello"); Num(b, -5); b.Add((byte)ValueTag.Statistics); I64(b, 3); I64(b, 10); I64(b, 1); I64(b, 5); });
        Rec(RecordKind.Printf, 0, b => { U32(b, 9); Str(b, "a"); Num(b, 1); Num(b, 255); Num(b, 65); Str(b, "abcdef"); Num(b, 7); Num(b, 8); Num(b, 4096); Num(b, 9); });
        Rec(RecordKind.PrintfDynamic, 2, b => { Str(b, "%5d|%-3s\n"); Num(b, 42); });
        Rec(RecordKind.Error, 2, b => { U32(b, 0); U32(b, 1); U32(b, 3); var m = Encoding.UTF8.GetBytes("division by zero"); U32(b, (uint)m.Length); b.AddRange(m); });
        Rec(RecordKind.Histogram, 0, b => { I64(b, 10); U32(b, 2); U32(b, 2); Str(b, "k1"); I64(b, 7); Num(b, 3); I64(b, 3); });
        Rec(RecordKind.Hist, 0, b => { I64(b, 0); I64(b, 0); I64(b, 0); U32(b, L.HistBuckets); for (var i = 0; i < L.HistBuckets; i++) I64(b, i % 5); });
        Rec(RecordKind.Lhist, 0, b => { I64(b, 0); I64(b, 100); I64(b, 10); U32(b, 12); for (var i = 0; i < 12; i++) I64(b, i); });
        Rec(RecordKind.Backtrace, 0, b => { b.Add((byte)ValueTag.Stack); U32(b, 2); I64(b, 0x1000); var s = Encoding.UTF8.GetBytes("schedule"); U32(b, (uint)s.Length); b.AddRange(s); I64(b, 0x2000); U32(b, 0); });
        Rec(RecordKind.Ansi, 2, b => { Num(b, 31); Num(b, 1); });
        Rec(RecordKind.Summary, 0, b => { for (var i = 0; i < L.SummaryBody.BytesA0 / 8; i++) I64(b, i); });
        return w.ToArray();
    }

    /// <summary>A small x86_64 ELF with .symtab (three functions).</summary>
    public static byte[] Elf()
    {
        const int symbols = 3, shOff = 120, symOff = 120 + 3 * 64, strOff = symOff + symbols * 24;
        var names = Encoding.ASCII.GetBytes("\0main\0helper\0work\0");
        var b = new byte[strOff + names.Length];
        var s = b.AsSpan();
        "\u007fELF"u8.CopyTo(s);
        b[4] = 2; b[5] = 1; b[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(s[18..], 62);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], 64);
        BinaryPrimitives.WriteUInt64LittleEndian(s[40..], shOff);
        BinaryPrimitives.WriteUInt16LittleEndian(s[54..], 56);
        BinaryPrimitives.WriteUInt16LittleEndian(s[56..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(s[58..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(s[60..], 3);
        BinaryPrimitives.WriteUInt32LittleEndian(s[64..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(64 + 16)..], 0x1000);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(64 + 32)..], (ulong)b.Length);
        var sym = shOff + 64;
        BinaryPrimitives.WriteUInt32LittleEndian(s[(sym + 4)..], 2);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(sym + 24)..], symOff);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(sym + 32)..], symbols * 24);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(sym + 40)..], 2);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(sym + 56)..], 24);
        var str = shOff + 128;
        BinaryPrimitives.WriteUInt32LittleEndian(s[(str + 4)..], 3);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(str + 24)..], strOff);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(str + 32)..], (ulong)names.Length);
        uint[] nameAt = [1, 6, 13];
        for (var i = 0; i < symbols; i++)
        {
            var e = symOff + i * 24;
            BinaryPrimitives.WriteUInt32LittleEndian(s[e..], nameAt[i]);
            b[e + 4] = 0x12;
            BinaryPrimitives.WriteUInt16LittleEndian(s[(e + 6)..], 1);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(e + 8)..], 0x1000 + (ulong)(16 * i));
        }
        names.CopyTo(b, strOff);
        return b;
    }
}
