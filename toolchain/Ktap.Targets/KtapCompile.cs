using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Ktap.Targets
{
    /// <summary>
    /// Compiles ktap scripts to bundles by running the packaged compiler host out of process
    /// (<c>dotnet ktapc-msbuild.dll @request</c>). The host prints each diagnostic in MSBuild's
    /// canonical form with its full span, which ToolTask turns into error and warning events
    /// carrying code, file, line, column, end line and end column.
    /// </summary>
    public sealed class KtapCompile : ToolTask
    {
        /// <summary>The scripts to compile (full paths), each with metadata
        /// <c>ResolvedTarget</c> (target profile) and <c>BundlePath</c> (the bundle to write).</summary>
        [Required]
        public ITaskItem[] Scripts { get; set; }

        /// <summary>The compiler host assembly (ktapc-msbuild.dll) inside the package.</summary>
        [Required]
        public string HostAssembly { get; set; }

        /// <summary>Optional board profile (YAML) or saved event catalog (JSON).</summary>
        public string Board { get; set; }

        public bool TreatWarningsAsErrors { get; set; }

        /// <summary>The dotnet executable; empty means DOTNET_HOST_PATH, then PATH.</summary>
        public string DotNetHost { get; set; }

        protected override string ToolName =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";

        // The host reports "compiled X -> Y" on standard output; show it at normal verbosity.
        protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Normal;

        // The command line and the request list every script: useful at -v:d, noise at -v:n.
        protected override void LogToolCommand(string message) => Log.LogMessage(MessageImportance.Low, message);

        protected override string GenerateFullPathToTool() => DotNetLocator.Find(DotNetHost, ToolName);

        protected override string GenerateCommandLineCommands() => "\"" + HostAssembly + "\"";

        protected override string GenerateResponseFileCommands()
        {
            var request = new CompileRequest { Board = string.IsNullOrEmpty(Board) ? null : Board, WarningsAsErrors = TreatWarningsAsErrors };
            foreach (var script in Scripts)
                request.Scripts.Add(new ScriptRequest(script.GetMetadata("FullPath"), script.GetMetadata("ResolvedTarget"), script.GetMetadata("BundlePath")));
            return request.Format();
        }

        protected override bool ValidateParameters()
        {
            bool valid = true;
            if (!File.Exists(HostAssembly))
            {
                Log.LogError(null, "KTAPMSB001", null, null, 0, 0, 0, 0, "the ktap compiler host is missing at '{0}': the Ktap.Targets package is damaged, restore it again", HostAssembly);
                valid = false;
            }
            if (!string.IsNullOrEmpty(Board) && !File.Exists(Board))
            {
                Log.LogError(null, "KTAPMSB002", null, null, 0, 0, 0, 0, "KtapBoard names '{0}', which does not exist", Board);
                valid = false;
            }
            foreach (var script in Scripts)
            {
                var file = script.GetMetadata("FullPath");
                if (string.IsNullOrEmpty(script.GetMetadata("ResolvedTarget")))
                {
                    Log.LogError(null, "KTAPMSB003", null, file, 0, 0, 0, 0, "no target profile for this script: set the KtapTarget property or the script's KtapTarget metadata (ktapc targets lists the profiles)");
                    valid = false;
                }
                if (string.IsNullOrEmpty(script.GetMetadata("BundlePath")))
                {
                    Log.LogError(null, "KTAPMSB004", null, file, 0, 0, 0, 0, "no output path for this script (BundlePath metadata is empty)");
                    valid = false;
                }
                if (!File.Exists(file))
                {
                    Log.LogError(null, "KTAPMSB005", null, file, 0, 0, 0, 0, "the script does not exist");
                    valid = false;
                }
            }
            return valid;
        }
    }
}
