using System;
using System.IO;

namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>Where the built host board and the dotnet host are.</summary>
    public static class HostBoard
    {
        private static string s_repoRoot;

        /// <summary>The repository root (the folder holding nanoRouter.sln).</summary>
        public static string RepoRoot
        {
            get
            {
                if (s_repoRoot != null)
                {
                    return s_repoRoot;
                }

                string directory = AppContext.BaseDirectory;
                while (directory != null && !File.Exists(Path.Combine(directory, "nanoRouter.sln")))
                {
                    directory = Path.GetDirectoryName(directory);
                }

                s_repoRoot = directory ?? throw new InvalidOperationException("cannot find nanoRouter.sln above " + AppContext.BaseDirectory);
                return s_repoRoot;
            }
        }

        /// <summary>The host board's assembly, built with the same configuration as these tests
        /// (or NANOROUTER_HOST_DLL when set).</summary>
        public static string DllPath
        {
            get
            {
                string overridePath = Environment.GetEnvironmentVariable("NANOROUTER_HOST_DLL");
                if (!string.IsNullOrEmpty(overridePath))
                {
                    return overridePath;
                }

#if DEBUG
                const string configuration = "Debug";
#else
                const string configuration = "Release";
#endif
                string path = Path.Combine(RepoRoot, "boards", "host", "bin", configuration, "net10.0", "NanoRouter.Host.dll");
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException("the host board is not built: " + path);
                }

                return path;
            }
        }

        /// <summary>The dotnet host executable.</summary>
        public static string DotNet
        {
            get
            {
                string process = Environment.ProcessPath;
                if (process != null && Path.GetFileNameWithoutExtension(process) == "dotnet")
                {
                    return process;
                }

                foreach (string candidate in new[] { "/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/bin/dotnet" })
                {
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }

                return "dotnet";
            }
        }
    }
}
