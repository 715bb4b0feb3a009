using System.Diagnostics;
using System.Text;

namespace NanoRouter.Hal.Linux
{
    /// <summary>The result of one external command.</summary>
    public sealed class CommandResult
    {
        /// <summary>The process exit code, or -1 when it could not be started.</summary>
        public int ExitCode { get; init; }

        /// <summary>Everything the command wrote to stdout.</summary>
        public string Output { get; init; }

        /// <summary>Everything the command wrote to stderr (or why it could not start).</summary>
        public string Error { get; init; }

        /// <summary>Exit code 0.</summary>
        public bool Ok => ExitCode == 0;

        /// <summary>The first non-empty line of stderr, else of stdout: what to show in a one-line error.</summary>
        public string FirstErrorLine
        {
            get
            {
                foreach (string text in new[] { Error, Output })
                {
                    foreach (string line in (text ?? string.Empty).Split('\n'))
                    {
                        if (line.Trim().Length > 0)
                        {
                            return line.Trim();
                        }
                    }
                }

                return "exit code " + ExitCode;
            }
        }
    }

    /// <summary>Runs external tools (ip, nft) without a shell, with arguments passed one by one.</summary>
    public static class ShellCommand
    {
        /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>, optionally feeding stdin, and waits.</summary>
        public static CommandResult Run(string file, string[] arguments, string standardInput = null, int timeoutMs = 30000)
        {
            var info = new ProcessStartInfo(file)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = standardInput != null,
            };
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            Process process;
            try
            {
                process = Process.Start(info);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return new CommandResult { ExitCode = -1, Output = string.Empty, Error = file + ": " + e.Message };
            }

            using (process)
            {
                var output = new StringBuilder();
                var error = new StringBuilder();
                process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
                process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (error) { error.Append(e.Data).Append('\n'); } } };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                if (standardInput != null)
                {
                    process.StandardInput.Write(standardInput);
                    process.StandardInput.Close();
                }

                if (!process.WaitForExit(timeoutMs))
                {
                    try
                    {
                        process.Kill();
                    }
                    catch (System.InvalidOperationException)
                    {
                    }

                    return new CommandResult { ExitCode = -1, Output = output.ToString(), Error = file + " timed out" };
                }

                process.WaitForExit();
                return new CommandResult { ExitCode = process.ExitCode, Output = output.ToString(), Error = error.ToString() };
            }
        }

        /// <summary>Runs <paramref name="file"/>; true when it exists on PATH (or as a path).</summary>
        public static bool Exists(string file)
        {
            if (file.Contains('/'))
            {
                return System.IO.File.Exists(file);
            }

            foreach (string directory in (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
            {
                if (directory.Length > 0 && System.IO.File.Exists(System.IO.Path.Combine(directory, file)))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
