using System;
using System.IO;
using SharpFuzz;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Commands:
    /// <code>
    /// fuzz TARGET                  run under afl-fuzz (SharpFuzz in-process fork server); TARGET is engine, pptp, http or settings
    /// replay [--verbose] [DIR|FILE ...] run every corpus input through its target (default: tests/fuzz/corpus/*/*); the folder
    ///                              name (or --target NAME) picks the target; prints passed/failed, exit 1 on any failure
    /// seed [DIR]                   write the seed corpus (default: tests/fuzz/corpus)
    /// property --packets N [--seed S]   the property run at scale (see PropertyRun)
    /// differential-scenarios           fixed differential cases (Scenarios), each with its own checks
    /// differential --packets N [--seed S] [--native-slots K]   the same with the native flow path in the loop,
    ///                              against a reference engine without one (EngineRig; default 48 slots)
    /// selftest                     the checksum validator rejects every single-bit change it must
    /// </code>
    /// </summary>
    internal static class Program
    {
        private static readonly string[] s_names = { "engine", "pptp", "http", "settings" };
        private static readonly System.Collections.Generic.Dictionary<string, IFuzzTarget> s_made = new System.Collections.Generic.Dictionary<string, IFuzzTarget>();

        public static int Main(string[] args)
        {
            string command = args.Length > 0 ? args[0] : "help";
            switch (command)
            {
                case "fuzz":
                    return Fuzz(args.Length > 1 ? args[1] : null);
                case "replay":
                    return Replay(args);
                case "seed":
                    Seeds.WriteAll(args.Length > 1 ? args[1] : Path.Combine(RepoRoot(), "tests", "fuzz", "corpus"));
                    return 0;
                case "property":
                    return Property(args, 0);
                case "differential":
                    return Property(args, 48);
                case "differential-scenarios":
                    return Scenarios.Run();
                case "selftest":
                    return SelfTest.Run();
                default:
                    Console.WriteLine("usage: fuzz TARGET | replay [--target NAME] [DIR|FILE ...] | seed [DIR] | property --packets N [--seed S]");
                    Console.WriteLine("targets: engine pptp http settings");
                    return command == "help" ? 0 : 2;
            }
        }

        /// <summary>Makes (once) the target called <paramref name="name"/>, or null. Under afl-fuzz this must
        /// happen inside Fuzzer.Run: instrumented core code may run only once SharpFuzz has set up the
        /// shared coverage map.</summary>
        private static IFuzzTarget Find(string name)
        {
            if (name == null || Array.IndexOf(s_names, name) < 0)
            {
                return null;
            }

            if (!s_made.TryGetValue(name, out IFuzzTarget target))
            {
                target = name switch
                {
                    "engine" => new EngineTarget(),
                    "pptp" => new PptpTarget(),
                    "http" => new HttpTarget(),
                    _ => new SettingsTarget(),
                };
                s_made[name] = target;
            }

            return target;
        }

        private static int Fuzz(string name)
        {
            if (name == null || Array.IndexOf(s_names, name) < 0)
            {
                Console.Error.WriteLine("unknown target: " + name);
                return 2;
            }

            byte[] buffer = new byte[1 << 20];
            IFuzzTarget target = null;
            Fuzzer.Run(stream =>
            {
                target ??= Find(name);
                int length = 0;
                int read;
                while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
                {
                    length += read;
                }

                target.Run(buffer, length);
            });
            return 0;
        }

        private static int Replay(string[] args)
        {
            string forced = null;
            var paths = new System.Collections.Generic.List<string>();
            for (int i = 1; i < args.Length; i++)
            {
                if (args[i] == "--verbose")
                {
                    Invariant.Verbose = true;
                }
                else if (args[i] == "--target" && i + 1 < args.Length)
                {
                    forced = args[++i];
                }
                else
                {
                    paths.Add(args[i]);
                }
            }

            if (paths.Count == 0)
            {
                paths.Add(Path.Combine(RepoRoot(), "tests", "fuzz", "corpus"));
            }

            var files = new System.Collections.Generic.List<(IFuzzTarget, string)>();
            foreach (string path in paths)
            {
                if (File.Exists(path))
                {
                    IFuzzTarget t = Find(forced ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))));
                    if (t == null)
                    {
                        Console.Error.WriteLine("no target for " + path + " (use --target)");
                        return 2;
                    }

                    files.Add((t, path));
                    continue;
                }

                // A corpus root (folders named after targets) or one target's folder.
                IFuzzTarget own = Find(forced ?? Path.GetFileName(Path.GetFullPath(path).TrimEnd('/')));
                if (own != null)
                {
                    AddFolder(files, own, path);
                    continue;
                }

                foreach (string targetName in s_names)
                {
                    string dir = Path.Combine(path, targetName);
                    if (Directory.Exists(dir))
                    {
                        AddFolder(files, Find(targetName), dir);
                    }
                }
            }

            int passed = 0;
            int failed = 0;
            var perTarget = new System.Collections.Generic.Dictionary<string, int[]>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            foreach ((IFuzzTarget target, string file) in files)
            {
                byte[] input = File.ReadAllBytes(file);
                if (!perTarget.TryGetValue(target.Name, out int[] counts))
                {
                    perTarget[target.Name] = counts = new int[2];
                }

                try
                {
                    target.Run(input, input.Length);
                    passed++;
                    counts[0]++;
                }
                catch (Exception e)
                {
                    failed++;
                    counts[1]++;
                    Console.WriteLine("FAILED " + target.Name + " " + file + ": " + e.GetType().Name + ": " + e.Message);
                    Console.WriteLine(e.StackTrace);
                }
            }

            foreach (var pair in perTarget)
            {
                Console.WriteLine("replay " + pair.Key + ": " + pair.Value[0] + " passed, " + pair.Value[1] + " failed");
            }

            Console.WriteLine("replay: " + passed + " passed, " + failed + " failed (" + files.Count + " inputs, " + watch.ElapsedMilliseconds + " ms, " + Invariant.Checks + " invariant checks, "
                + EngineRig.AllNativeHits + " packets forwarded by the native flow path, each checked against the reference engine)");
            return failed == 0 && passed > 0 ? 0 : 1;
        }

        private static void AddFolder(System.Collections.Generic.List<(IFuzzTarget, string)> files, IFuzzTarget target, string dir)
        {
            string[] names = Directory.GetFiles(dir);
            Array.Sort(names, StringComparer.Ordinal);
            foreach (string name in names)
            {
                if (!Path.GetFileName(name).StartsWith(".", StringComparison.Ordinal))
                {
                    files.Add((target, name));
                }
            }
        }

        private static int Property(string[] args, int nativeCapacity)
        {
            long packets = 10000000;
            ulong seed = 1;
            for (int i = 1; i + 1 < args.Length; i++)
            {
                if (args[i] == "--packets")
                {
                    packets = long.Parse(args[++i]);
                }
                else if (args[i] == "--seed")
                {
                    seed = ulong.Parse(args[++i]);
                }
                else if (args[i] == "--native-slots")
                {
                    nativeCapacity = int.Parse(args[++i]);
                }
            }

            try
            {
                return PropertyRun.Execute(packets, seed, nativeCapacity);
            }
            catch (Exception e)
            {
                Console.WriteLine("property-run FAILED after " + Invariant.Checks + " invariant checks: " + e.GetType().Name + ": " + e.Message);
                Console.WriteLine(e.StackTrace);
                return 1;
            }
        }

        private static string RepoRoot()
        {
            string dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "nanoRouter.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? Directory.GetCurrentDirectory();
        }
    }
}
