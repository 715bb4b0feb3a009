using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>The result of one finished command.</summary>
    public sealed class CommandResult
    {
        public int ExitCode;
        public string Output;
        public string Error;
        public string CommandLine;

        public bool Succeeded => ExitCode == 0;

        public override string ToString()
        {
            return CommandLine + " -> exit " + ExitCode + "\n" + Output + Error;
        }
    }

    /// <summary>Runs short commands to completion, and sends signals to process groups.</summary>
    public static class Shell
    {
        public const int SigKill = 9;
        public const int SigTerm = 15;

        [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
        private static extern int NativeKill(int pid, int signal);

        /// <summary>Runs argv[0] with the remaining arguments and waits for it.</summary>
        public static CommandResult Run(IReadOnlyList<string> argv, TimeSpan? timeout = null, IDictionary<string, string> environment = null, string input = null)
        {
            var info = new ProcessStartInfo(argv[0])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = input != null,
                UseShellExecute = false,
            };
            for (int i = 1; i < argv.Count; i++)
            {
                info.ArgumentList.Add(argv[i]);
            }
            if (environment != null)
            {
                foreach (var pair in environment)
                {
                    info.Environment[pair.Key] = pair.Value;
                }
            }
            using var process = Process.Start(info);
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (input != null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            var limit = timeout ?? TimeSpan.FromSeconds(60);
            if (!process.WaitForExit((int)limit.TotalMilliseconds))
            {
                try
                {
                    process.Kill(true);
                }
                catch (InvalidOperationException)
                {
                }
                process.WaitForExit();
                return new CommandResult { ExitCode = -1, Output = stdout.ToString(), Error = stderr + "\n(timed out after " + limit.TotalSeconds + " s)", CommandLine = string.Join(" ", argv) };
            }
            process.WaitForExit();
            lock (stdout)
            {
                lock (stderr)
                {
                    return new CommandResult { ExitCode = process.ExitCode, Output = stdout.ToString(), Error = stderr.ToString(), CommandLine = string.Join(" ", argv) };
                }
            }
        }

        public static CommandResult Run(params string[] argv)
        {
            return Run((IReadOnlyList<string>)argv);
        }

        /// <summary>Runs a command and throws with its output when it fails.</summary>
        public static string Check(params string[] argv)
        {
            var result = Run(argv);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("command failed: " + result);
            }
            return result.Output;
        }

        /// <summary>Runs a command inside a network namespace.</summary>
        public static CommandResult InNs(string ns, params string[] argv)
        {
            var all = new List<string> { "ip", "netns", "exec", ns };
            all.AddRange(argv);
            return Run(all);
        }

        public static CommandResult InNs(string ns, TimeSpan timeout, params string[] argv)
        {
            var all = new List<string> { "ip", "netns", "exec", ns };
            all.AddRange(argv);
            return Run(all, timeout);
        }

        public static string CheckInNs(string ns, params string[] argv)
        {
            var result = InNs(ns, argv);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("command failed: " + result);
            }
            return result.Output;
        }

        /// <summary>Sends a signal to a whole process group (one we started with setsid).</summary>
        public static void SignalGroup(int processGroup, int signal)
        {
            if (processGroup > 1)
            {
                NativeKill(-processGroup, signal);
            }
        }

        public static bool IsRoot => Environment.UserName == "root" || File.Exists("/proc/self/status") && File.ReadAllText("/proc/self/status").Contains("Uid:\t0\t");

        public static string Tail(string path, int lines)
        {
            if (!File.Exists(path))
            {
                return "(no " + path + ")";
            }
            string[] all;
            try
            {
                all = File.ReadAllLines(path);
            }
            catch (IOException e)
            {
                return "(" + e.Message + ")";
            }
            int start = Math.Max(0, all.Length - lines);
            return string.Join("\n", all, start, all.Length - start);
        }
    }
}
