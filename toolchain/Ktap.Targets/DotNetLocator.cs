using System;
using System.IO;

namespace Ktap.Targets
{
    /// <summary>
    /// Finds the dotnet executable that runs the compiler host: an explicit path first, then
    /// DOTNET_HOST_PATH (set by `dotnet build`), then PATH, then the default install folder
    /// (Visual Studio's MSBuild sets neither variable reliably).
    /// </summary>
    internal static class DotNetLocator
    {
        public static string Find(string explicitPath, string executableName)
        {
            if (!string.IsNullOrEmpty(explicitPath))
                return explicitPath;
            var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
                return hostPath;
            var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
            foreach (var directory in path.Split(Path.PathSeparator))
            {
                if (directory.Length == 0)
                    continue;
                var candidate = Path.Combine(directory.Trim('"'), executableName);
                if (File.Exists(candidate))
                    return candidate;
            }
            var programFiles = Environment.GetEnvironmentVariable("ProgramFiles");
            if (!string.IsNullOrEmpty(programFiles))
            {
                var candidate = Path.Combine(programFiles, "dotnet", executableName);
                if (File.Exists(candidate))
                    return candidate;
            }
            return executableName;
        }
    }
}
