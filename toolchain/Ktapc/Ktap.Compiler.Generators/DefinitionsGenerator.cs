using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Ktap.Compiler.Generators
{
    /// <summary>
    /// Turns the runtime's single definitions (ktap_opcodes.def, ktap_builtins.def,
    /// ktap_perf_events.def, ktap_bundle_format.def, ktap_record_format.def and arch/*/ktap_regs.def...) into C#, so
    /// the compiler cannot disagree with the VM.
    /// </summary>
    [Generator]
    public sealed class DefinitionsGenerator : IIncrementalGenerator
    {
        private static readonly Regex OpLine = new Regex(
            @"^KTAP_OP\(\s*(\w+)\s*,\s*(\d+)\s*,\s*(\w+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex BuiltinLine = new Regex(
            @"^KTAP_BUILTIN\(\s*(\d+)\s*,\s*\w+\s*,\s*""([\w.]+)""\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*(\w+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex RegLine = new Regex(
            @"^KTAP_REG\(\s*(\d+)\s*,\s*""(\w+)""", RegexOptions.Compiled);
        private static readonly Regex ArgRegLine = new Regex(
            @"^KTAP_ARG_REG\(\s*(\d+)\s*,\s*""(\w+)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex RetRegLine = new Regex(@"^KTAP_RET_REG\(\s*""(\w+)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex PerfLine = new Regex(
            @"^KTAP_PERF_EVENT\(\s*(SOFTWARE|HARDWARE)\s*,\s*""([\w-]+)""\s*,\s*\w+\s*,\s*(\d+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex SpRegLine = new Regex(@"^KTAP_SP_REG\(\s*""(\w+)""\s*\)", RegexOptions.Compiled);

        private static readonly DiagnosticDescriptor BadLine = new DiagnosticDescriptor(
            "KTAPGEN001", "Unreadable definition line", "{0}: line {1} is not a valid definition: {2}",
            "Ktap.Definitions", DiagnosticSeverity.Error, isEnabledByDefault: true);

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var defs = context.AdditionalTextsProvider
                .Where(t => t.Path.EndsWith(".def", System.StringComparison.Ordinal))
                .Select((t, ct) => (Path: t.Path, Text: t.GetText(ct)?.ToString() ?? ""))
                .Collect();
            context.RegisterSourceOutput(defs, Generate);
        }

        private static void Generate(SourceProductionContext ctx, System.Collections.Immutable.ImmutableArray<(string Path, string Text)> files)
        {
            foreach (var (path, text) in files)
            {
                var name = Path.GetFileName(path);
                if (name == "ktap_opcodes.def") ctx.AddSource("Opcodes.g.cs", SourceText.From(Opcodes(ctx, path, text), Encoding.UTF8));
                else if (name == "ktap_builtins.def") ctx.AddSource("Builtins.g.cs", SourceText.From(Builtins(ctx, path, text), Encoding.UTF8));
                else if (name == "ktap_perf_events.def") ctx.AddSource("PerfEvents.g.cs", SourceText.From(PerfEvents(ctx, path, text), Encoding.UTF8));
                else if (name == "ktap_exit_codes.def") ctx.AddSource("ExitCodes.g.cs", SourceText.From(ExitCodes(ctx, path, text), Encoding.UTF8));
                else if (name == "ktap_record_format.def") ctx.AddSource("RecordFormat.g.cs", SourceText.From(RecordFormatSource.Generate(text), Encoding.UTF8));
                else if (name == "ktap_replay_stream.def") ctx.AddSource("ReplayStream.g.cs", SourceText.From(ReplayStream(ctx, path, text), Encoding.UTF8));
                else if (name == "ktap_runtime_errors.def") ctx.AddSource("RuntimeErrors.g.cs", SourceText.From(RuntimeErrors(ctx, path, text), Encoding.UTF8));
                else if (name == "ktap_bundle_format.def") ctx.AddSource("BundleFormat.g.cs", SourceText.From(BundleFormatSource.Generate(text), Encoding.UTF8));
                else if (name == "ktap_bundle_faults.def") BundleFaults(ctx, path, text);
            }
            var regs = files.Where(f => Path.GetFileName(f.Path) == "ktap_regs.def").OrderBy(f => f.Path, System.StringComparer.Ordinal).ToList();
            // Only the project that lists the registers gets them: another project using the
            // generator (Ktap.Output) would otherwise define a second, empty Registers class.
            if (regs.Count > 0) ctx.AddSource("Registers.g.cs", SourceText.From(Registers(ctx, regs), Encoding.UTF8));
        }

        private static void BundleFaults(SourceProductionContext ctx, string path, string text)
        {
            var (source, bad) = BundleFaultsSource.Generate(text);
            foreach (var (line, row, why) in bad)
                ctx.ReportDiagnostic(Diagnostic.Create(BadLine, Location.None, path, line, row + " (" + why + ")"));
            ctx.AddSource("BundleFaults.g.cs", SourceText.From(source, Encoding.UTF8));
        }

        private static IEnumerable<(int Number, string Line, Match M)> Matches(SourceProductionContext ctx, string path, string text, string prefix, Regex re)
        {
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (!line.StartsWith(prefix + "(", System.StringComparison.Ordinal)) continue;
                var m = re.Match(line);
                if (!m.Success) { ctx.ReportDiagnostic(Diagnostic.Create(BadLine, Location.None, path, i + 1, line)); continue; }
                yield return (i + 1, line, m);
            }
        }

        private static string Lit(string s) => "\"" + s.Replace("\\\"", "\"").Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string Opcodes(SourceProductionContext ctx, string path, string text)
        {
            var ops = Matches(ctx, path, text, "KTAP_OP", OpLine).Select(x => x.M).ToList();
            var formats = ops.Select(m => m.Groups[3].Value).Distinct().OrderBy(f => f, System.StringComparer.Ordinal).ToList();
            var sb = new StringBuilder();
            sb.AppendLine("// <auto-generated> from runtime/ktapvm/ktap_opcodes.def by DefinitionsGenerator. Do not edit. </auto-generated>");
            sb.AppendLine("#nullable enable");
            sb.AppendLine("namespace Ktap.Bytecode;");
            sb.AppendLine("/// <summary>The VM's opcodes, numbered as in ktap_opcodes.def.</summary>");
            sb.AppendLine("public enum Opcode : byte");
            sb.AppendLine("{");
            foreach (var m in ops) sb.AppendLine($"    /// <summary>{System.Security.SecurityElement.Escape(m.Groups[4].Value)}</summary>\n    {m.Groups[1].Value} = {m.Groups[2].Value},");
            sb.AppendLine("}");
            sb.AppendLine("/// <summary>Operand formats of ktap_opcodes.def (see its header comment).</summary>");
            sb.AppendLine("public enum OperandFormat { " + string.Join(", ", formats) + " }");
            sb.AppendLine("/// <summary>One row of ktap_opcodes.def.</summary>");
            sb.AppendLine("public sealed record OpcodeInfo(Opcode Opcode, string Name, int Number, OperandFormat Format, string Meaning);");
            sb.AppendLine("public static partial class OpcodeTable");
            sb.AppendLine("{");
            sb.AppendLine("    /// <summary>Every opcode, in number order.</summary>");
            sb.AppendLine("    public static readonly System.Collections.Generic.IReadOnlyList<OpcodeInfo> All = new OpcodeInfo[]");
            sb.AppendLine("    {");
            foreach (var m in ops)
                sb.AppendLine($"        new(Opcode.{m.Groups[1].Value}, \"{m.Groups[1].Value}\", {m.Groups[2].Value}, OperandFormat.{m.Groups[3].Value}, {Lit(m.Groups[4].Value)}),");
            sb.AppendLine("    };");
            sb.AppendLine("}");
            return sb.ToString();
        }

        private static string Builtins(SourceProductionContext ctx, string path, string text)
        {
            var rows = Matches(ctx, path, text, "KTAP_BUILTIN", BuiltinLine).Select(x => x.M).ToList();
            var sb = new StringBuilder();
            sb.AppendLine("// <auto-generated> from runtime/ktapvm/ktap_builtins.def by DefinitionsGenerator. Do not edit. </auto-generated>");
            sb.AppendLine("#nullable enable");
            sb.AppendLine("namespace Ktap.Bytecode;");
            sb.AppendLine("/// <summary>Flags column of ktap_builtins.def.</summary>");
            sb.AppendLine("[System.Flags] public enum BuiltinFlags { NONE = 0, PURE = 1, CTX = 2, EVENT = 4, OUTPUT = 8, HIDDEN = 16 }");
            sb.AppendLine("/// <summary>One row of ktap_builtins.def. MaxArgs -1 means any number.</summary>");
            sb.AppendLine("public sealed record BuiltinInfo(int Id, string Name, int MinArgs, int MaxArgs, BuiltinFlags Flags, string Meaning);");
            sb.AppendLine("public static partial class BuiltinTable");
            sb.AppendLine("{");
            sb.AppendLine("    /// <summary>Every built-in, in id order.</summary>");
            sb.AppendLine("    public static readonly System.Collections.Generic.IReadOnlyList<BuiltinInfo> All = new BuiltinInfo[]");
            sb.AppendLine("    {");
            foreach (var m in rows)
                sb.AppendLine($"        new({m.Groups[1].Value}, \"{m.Groups[2].Value}\", {m.Groups[3].Value}, {m.Groups[4].Value}, BuiltinFlags.{m.Groups[5].Value}, {Lit(m.Groups[6].Value)}),");
            sb.AppendLine("    };");
            sb.AppendLine("}");
            return sb.ToString();
        }

        private static string PerfEvents(SourceProductionContext ctx, string path, string text)
        {
            var rows = Matches(ctx, path, text, "KTAP_PERF_EVENT", PerfLine).Select(x => x.M).ToList();
            var sb = new StringBuilder();
            sb.AppendLine("// <auto-generated> from runtime/ktapvm/ktap_perf_events.def by DefinitionsGenerator. Do not edit. </auto-generated>");
            sb.AppendLine("#nullable enable");
            sb.AppendLine("namespace Ktap.Bundle;");
            sb.AppendLine("/// <summary>One row of ktap_perf_events.def: a software:/hardware: event, its smallest PERIOD.</summary>");
            sb.AppendLine("public sealed record PerfEventInfo(EventKind Kind, string Name, ulong MinPeriod, string Meaning);");
            sb.AppendLine("public static partial class PerfEventTable");
            sb.AppendLine("{");
            sb.AppendLine("    /// <summary>Every perf event, in definition order.</summary>");
            sb.AppendLine("    public static readonly System.Collections.Generic.IReadOnlyList<PerfEventInfo> All = new PerfEventInfo[]");
            sb.AppendLine("    {");
            foreach (var m in rows)
                sb.AppendLine($"        new(EventKind.{(m.Groups[1].Value == "SOFTWARE" ? "Software" : "Hardware")}, \"{m.Groups[2].Value}\", {m.Groups[3].Value}UL, {Lit(m.Groups[4].Value)}),");
            sb.AppendLine("    };");
            sb.AppendLine("}");
            return sb.ToString();
        }

        private static readonly Regex ExitLine = new Regex(@"^KTAP_EXIT\(\s*(\d+)\s*,\s*(\w+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex RuntimeErrorLine = new Regex(@"^KTAP_RUNTIME_ERROR\(\s*(\d+)\s*,\s*(\w+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);

        // One class for ktapc, ktap and (through the same .def) ktapvm-run.
        private static string ExitCodes(SourceProductionContext ctx, string path, string text) =>
            CodeTable("ktap_exit_codes.def", "Ktap", "ExitCodeInfo", "Meaning", "ExitCodes",
                "The exit codes of ktapc, ktap and ktapvm-run", Matches(ctx, path, text, "KTAP_EXIT", ExitLine).Select(x => x.M).ToList());

        // The VM's runtime error codes and messages, for the decoder and the docs' test.
        private static string RuntimeErrors(SourceProductionContext ctx, string path, string text) =>
            CodeTable("ktap_runtime_errors.def", "Ktap.Output", "RuntimeErrorInfo", "Message", "RuntimeErrors",
                "The VM's runtime error codes below 100 (100 + a LIMITS key is that budget's)",
                Matches(ctx, path, text, "KTAP_RUNTIME_ERROR", RuntimeErrorLine).Select(x => x.M).ToList());

        // A list of (code, Name, "text") rows: a constant per code and the list of rows.
        private static string CodeTable(string def, string ns, string info, string textName, string cls, string summary, List<Match> rows)
        {
            var sb = new StringBuilder();
            sb.AppendLine($"// <auto-generated> from runtime/ktapvm/{def} by DefinitionsGenerator. Do not edit. </auto-generated>");
            sb.AppendLine("#nullable enable");
            sb.AppendLine($"namespace {ns};");
            sb.AppendLine($"/// <summary>One row of {def}.</summary>");
            sb.AppendLine($"public sealed record {info}(int Code, string Name, string {textName});");
            sb.AppendLine($"/// <summary>{summary} ({def}).</summary>");
            sb.AppendLine($"public static partial class {cls}");
            sb.AppendLine("{");
            foreach (var m in rows)
            {
                sb.AppendLine($"    /// <summary>{System.Security.SecurityElement.Escape(m.Groups[3].Value)}</summary>");
                sb.AppendLine($"    public const int {m.Groups[2].Value} = {m.Groups[1].Value};");
            }
            sb.AppendLine("    /// <summary>Every code, in order.</summary>");
            sb.AppendLine($"    public static readonly System.Collections.Generic.IReadOnlyList<{info}> All = new {info}[]");
            sb.AppendLine("    {");
            foreach (var m in rows)
                sb.AppendLine($"        new({m.Groups[1].Value}, \"{m.Groups[2].Value}\", {Lit(m.Groups[3].Value)}),");
            sb.AppendLine("    };");
            sb.AppendLine("}");
            return sb.ToString();
        }

        private static readonly Regex ReplayConstLine = new Regex(@"^KTAP_REPLAY_CONST\(\s*(\w+)\s*,\s*(0x[0-9a-fA-F]+|\d+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex ReplayNumbered = new Regex(@"^KTAP_REPLAY_(?:FLAG|ITEM)\(\s*(\d+)\s*,\s*(\w+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);
        private static readonly Regex ReplayFieldLine = new Regex(@"^KTAP_REPLAY_\w+_FIELD\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\w+)\s*,\s*""((?:[^""\\]|\\.)*)""\s*\)", RegexOptions.Compiled);
        private static readonly DiagnosticDescriptor BadLayout = new DiagnosticDescriptor(
            "KTAPGEN002", "Inconsistent layout", "{0}: {1}",
            "Ktap.Definitions", DiagnosticSeverity.Error, isEnabledByDefault: true);

        private static string Pascal(string snake) =>
            string.Concat(snake.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w.Substring(1)));

        // The stream `ktap replay` writes for ktapvm-run: constants, offsets and kinds.
        private static string ReplayStream(SourceProductionContext ctx, string path, string text)
        {
            var consts = Matches(ctx, path, text, "KTAP_REPLAY_CONST", ReplayConstLine).Select(x => x.M).ToList();
            var sb = new StringBuilder();
            sb.AppendLine("// <auto-generated> from runtime/ktapvm/ktap_replay_stream.def by DefinitionsGenerator. Do not edit. </auto-generated>");
            sb.AppendLine("#nullable enable");
            sb.AppendLine("namespace Ktap.Replay;");
            sb.AppendLine("/// <summary>The event stream ktap replay writes for ktapvm-run (ktap_replay_stream.def).</summary>");
            sb.AppendLine("public static partial class ReplayStream");
            sb.AppendLine("{");
            var sizes = new Dictionary<string, long>();
            foreach (var m in consts)
            {
                var v = m.Groups[2].Value;
                long n = v.StartsWith("0x", System.StringComparison.Ordinal) ? long.Parse(v.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) : long.Parse(v, CultureInfo.InvariantCulture);
                sizes[m.Groups[1].Value] = n;
                sb.AppendLine($"    /// <summary>{System.Security.SecurityElement.Escape(m.Groups[3].Value)}</summary>");
                sb.AppendLine($"    public const int {m.Groups[1].Value} = {n};");
            }
            void Part(string macro, string cls, string total)
            {
                sb.AppendLine($"    /// <summary>Offsets (Name) and sizes (NameBytes) of {macro}.</summary>");
                sb.AppendLine($"    public static class {cls}");
                sb.AppendLine("    {");
                long at = 0;
                foreach (var x in Matches(ctx, path, text, macro, ReplayFieldLine))
                {
                    var m = x.M;
                    long off = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), len = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                    if (off != at || (len != 4 && len != 8))
                        ctx.ReportDiagnostic(Diagnostic.Create(BadLayout, Location.None, path, $"line {x.Number}: {m.Groups[3].Value} at {off}, {len} bytes (expected offset {at}, 4 or 8 bytes)"));
                    at = off + len;
                    var name = Pascal(m.Groups[3].Value);
                    sb.AppendLine($"        /// <summary>{System.Security.SecurityElement.Escape(m.Groups[4].Value)}</summary>");
                    sb.AppendLine($"        public const int {name} = {off};");
                    sb.AppendLine($"        public const int {name}Bytes = {len};");
                }
                if (!sizes.TryGetValue(total, out var want) || want != at)
                    ctx.ReportDiagnostic(Diagnostic.Create(BadLayout, Location.None, path, $"{macro} fields end at {at}, {total} says {(sizes.TryGetValue(total, out var w) ? w : -1)}"));
                sb.AppendLine("    }");
            }
            Part("KTAP_REPLAY_HEADER_FIELD", "Header", "HeaderBytes");
            Part("KTAP_REPLAY_EVENT_FIELD", "Event", "EventBytes");
            Part("KTAP_REPLAY_ITEM_FIELD", "Item", "ItemBytes");
            void Numbered(string macro, string decl)
            {
                sb.AppendLine($"    {decl}");
                sb.AppendLine("    {");
                foreach (var x in Matches(ctx, path, text, macro, ReplayNumbered))
                    sb.AppendLine($"        /// <summary>{System.Security.SecurityElement.Escape(x.M.Groups[3].Value)}</summary>\n        {x.M.Groups[2].Value} = {x.M.Groups[1].Value},");
                sb.AppendLine("    }");
            }
            Numbered("KTAP_REPLAY_FLAG", "/// <summary>Bits of an event's flags.</summary>\n    [System.Flags] public enum Flags : uint");
            Numbered("KTAP_REPLAY_ITEM", "/// <summary>Item kinds.</summary>\n    public enum ItemKind : uint");
            sb.AppendLine("}");
            return sb.ToString();
        }

        private static string Registers(SourceProductionContext ctx, List<(string Path, string Text)> files)
        {
            var sb = new StringBuilder();
            sb.AppendLine("// <auto-generated> from runtime/arch/*/ktap_regs.def by DefinitionsGenerator. Do not edit. </auto-generated>");
            sb.AppendLine("#nullable enable");
            sb.AppendLine("namespace Ktap.Profiles;");
            sb.AppendLine("/// <summary>A register a fetch-arg may name: its bundle number and kprobe-tracer name.</summary>");
            sb.AppendLine("public sealed record RegisterInfo(int Number, string Name);");
            sb.AppendLine("/// <summary>One architecture's ktap_regs.def. ArgumentRegisters[0] holds argument 1.</summary>");
            sb.AppendLine("public sealed record RegisterFile(string ArchDirectory, System.Collections.Generic.IReadOnlyList<RegisterInfo> Registers, System.Collections.Generic.IReadOnlyList<string> ArgumentRegisters, string ReturnRegister, string StackPointer);");
            sb.AppendLine("public static partial class RegisterFiles");
            sb.AppendLine("{");
            sb.AppendLine("    /// <summary>Register files by architecture folder name (x86, x86_64, arm, powerpc).</summary>");
            sb.AppendLine("    public static readonly System.Collections.Generic.IReadOnlyDictionary<string, RegisterFile> ByArch = new System.Collections.Generic.Dictionary<string, RegisterFile>");
            sb.AppendLine("    {");
            foreach (var (path, text) in files)
            {
                var arch = Path.GetFileName(Path.GetDirectoryName(path));
                var regs = Matches(ctx, path, text, "KTAP_REG", RegLine).Select(x => $"new({x.M.Groups[1].Value}, \"{x.M.Groups[2].Value}\")");
                var args = Matches(ctx, path, text, "KTAP_ARG_REG", ArgRegLine)
                    .OrderBy(x => int.Parse(x.M.Groups[1].Value, CultureInfo.InvariantCulture)).Select(x => $"\"{x.M.Groups[2].Value}\"");
                var ret = Matches(ctx, path, text, "KTAP_RET_REG", RetRegLine).Select(x => x.M.Groups[1].Value).FirstOrDefault() ?? "";
                var sp = Matches(ctx, path, text, "KTAP_SP_REG", SpRegLine).Select(x => x.M.Groups[1].Value).FirstOrDefault() ?? "";
                sb.AppendLine($"        [\"{arch}\"] = new(\"{arch}\", new RegisterInfo[] {{ {string.Join(", ", regs)} }}, new string[] {{ {string.Join(", ", args)} }}, \"{ret}\", \"{sp}\"),");
            }
            sb.AppendLine("    };");
            sb.AppendLine("}");
            return sb.ToString();
        }
    }
}
