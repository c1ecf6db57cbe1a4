#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Ktap.Targets
{
    /// <summary>One script to compile: its source, the target profile and where the bundle goes.</summary>
    public sealed class ScriptRequest
    {
        public ScriptRequest(string source, string target, string output)
        {
            Source = source;
            Target = target;
            Output = output;
        }

        public string Source { get; }
        public string Target { get; }
        public string Output { get; }
    }

    /// <summary>
    /// What the KtapCompile task asks the compiler host to do, written as a response file.
    /// One directive per line, fields separated by tabs (a tab cannot be part of a path the
    /// task passes): <c>script SOURCE TARGET OUTPUT</c>, <c>board PATH</c>, <c>warnaserror</c>.
    /// This file is compiled into both the task (netstandard2.0) and the host (net10.0).
    /// </summary>
    public sealed class CompileRequest
    {
        private const string ScriptDirective = "script";
        private const string BoardDirective = "board";
        private const string WarnAsErrorDirective = "warnaserror";

        public List<ScriptRequest> Scripts { get; } = new List<ScriptRequest>();
        public string? Board { get; set; }
        public bool WarningsAsErrors { get; set; }

        public string Format()
        {
            var text = new StringBuilder();
            foreach (var script in Scripts)
            {
                CheckField(script.Source, "script path");
                CheckField(script.Target, "target");
                CheckField(script.Output, "output path");
                text.Append(ScriptDirective).Append('\t').Append(script.Source).Append('\t')
                    .Append(script.Target).Append('\t').Append(script.Output).Append('\n');
            }
            if (!string.IsNullOrEmpty(Board))
            {
                CheckField(Board!, "board path");
                text.Append(BoardDirective).Append('\t').Append(Board).Append('\n');
            }
            if (WarningsAsErrors)
                text.Append(WarnAsErrorDirective).Append('\n');
            return text.ToString();
        }

        /// <summary>Reads a request; throws <see cref="FormatException"/> naming the bad line.</summary>
        public static CompileRequest Parse(IEnumerable<string> lines)
        {
            var request = new CompileRequest();
            int number = 0;
            foreach (var line in lines)
            {
                number++;
                if (line.Length == 0)
                    continue;
                var fields = line.Split('\t');
                switch (fields[0])
                {
                    case ScriptDirective when fields.Length == 4 && fields[1].Length > 0 && fields[2].Length > 0 && fields[3].Length > 0:
                        request.Scripts.Add(new ScriptRequest(fields[1], fields[2], fields[3]));
                        break;
                    case BoardDirective when fields.Length == 2 && fields[1].Length > 0:
                        request.Board = fields[1];
                        break;
                    case WarnAsErrorDirective when fields.Length == 1:
                        request.WarningsAsErrors = true;
                        break;
                    default:
                        throw new FormatException(string.Format(CultureInfo.InvariantCulture,
                            "request line {0} is not 'script<TAB>SOURCE<TAB>TARGET<TAB>OUTPUT', 'board<TAB>PATH' or 'warnaserror': {1}", number, line));
                }
            }
            return request;
        }

        private static void CheckField(string value, string what)
        {
            if (value.Length == 0 || value.IndexOfAny(new[] { '\t', '\n', '\r' }) >= 0)
                throw new ArgumentException(what + " is empty or contains a tab or line break: '" + value + "'");
        }
    }
}
