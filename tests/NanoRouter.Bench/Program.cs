using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Mono.Cecil;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Bench
{
    /// <summary>
    /// nanoRouter's cost benchmark.
    ///   il      IL instructions, calls and allocations per forwarded packet (instrumented core), and
    ///           bytes per NAT entry. One line per case: "il CASE flows=N instructions=X calls=Y allocations=Z".
    ///   il-install  only the managed cost of installing native flows (FlowInstallCost), in IL.
    ///   speed   BenchmarkDotNet: ns per packet on this machine for the same cases.
    /// </summary>
    public static class Program
    {
        /// <summary>The cases, each with 16, 128 and 512 established flows in a 512-entry table.</summary>
        public static readonly string[] Cases = { "tcp", "udp", "icmp", "esp", "gre", "gre0" };

        /// <summary>The flow counts.</summary>
        public static readonly int[] FlowCounts = { 16, 128, 512 };

        /// <summary>Entry point.</summary>
        public static int Main(string[] args)
        {
            string command = args.Length > 0 ? args[0] : "il";
            try
            {
                switch (command)
                {
                    case "il":
                        return RunIl(args.Skip(1).ToArray());
                    case "il-install":
                        return RunIlInstall();
                    case "dump":
                        using (AssemblyDefinition a = AssemblyDefinition.ReadAssembly(typeof(NatEngine).Assembly.Location))
                        {
                            foreach (TypeDefinition t in a.MainModule.GetTypes())
                            {
                                foreach (MethodDefinition m in t.Methods.Where(m => m.Name == args[1] && m.HasBody))
                                {
                                    Console.WriteLine(t.Name + "." + m.Name + " (" + m.Body.Instructions.Count + " IL)");
                                    foreach (Mono.Cecil.Cil.Instruction i in m.Body.Instructions)
                                    {
                                        Console.WriteLine("  " + i);
                                    }
                                }
                            }
                        }

                        return 0;
                    case "check":
                        foreach (string kind in Cases)
                        {
                            foreach (int flows in FlowCounts)
                            {
                                var engine = new NatEngine(Options(flows), new ManualClock { Now = 1000 });
                                try
                                {
                                    new Workload(kind, flows, engine.Process).Round();
                                    Console.WriteLine("ok " + kind + " " + flows);
                                }
                                catch (InvalidOperationException ex)
                                {
                                    Console.WriteLine("FAIL " + kind + " " + flows + ": " + ex.Message + " last drop " + engine.LastDrop
                                        + " pptp calls " + engine.Pptp.ActiveCalls + " conns " + engine.Pptp.ActiveConnections + " unparsed " + engine.Pptp.UnparsedMessages
                                        + " unfollowed " + engine.Pptp.UnfollowedSegments + " nostate " + engine.Pptp.NoStateEvents);
                                }
                            }
                        }

                        return 0;
                    case "speed":
                        BenchmarkSwitcher.FromTypes(new[] { typeof(SpeedBenchmark) }).Run(args.Skip(1).ToArray());
                        return 0;
                    default:
                        Console.Error.WriteLine("usage: NanoRouter.Bench il [--verbose] | speed [BenchmarkDotNet options]");
                        return 2;
                }
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine("bench: " + ex.Message);
                return 1;
            }
        }

        /// <summary>Options of the engine under test: 512 entries, tunnel tables big enough for the case.</summary>
        public static NatOptions Options(int flows)
        {
            return new NatOptions
            {
                LanAddress = Workload.LanAddress,
                LanPrefixLength = 24,
                WanAddress = Workload.WanAddress,
                Capacity = 512,
                TunnelCapacity = flows < 32 ? 32 : flows,
            };
        }

        private static int RunIl(string[] args)
        {
            bool verbose = args.Contains("--verbose");
            string corePath = typeof(NatEngine).Assembly.Location;
            string dir = Path.Combine(Path.GetTempPath(), "nanorouter-il-" + Environment.ProcessId);
            var counter = new IlCounter();
            string instrumented = counter.Instrument(corePath, dir);
            var context = new InstrumentedContext(instrumented);
            Assembly core = context.LoadFromAssemblyPath(instrumented);
            Type engineType = core.GetType("NanoRouter.Core.Nat.NatEngine", true);
            Type optionsType = core.GetType("NanoRouter.Core.Nat.NatOptions", true);
            HashSet<string> nativeInNano = NativeMethodsOfNanoMscorlib();

            foreach (string kind in Cases)
            {
                foreach (int flows in FlowCounts)
                {
                    var clock = new ManualClock { Now = 1000 };
                    object options = CopyOptions(Options(flows), optionsType);
                    object engine = Activator.CreateInstance(engineType, options, clock);
                    var process = (PacketProcessor)Delegate.CreateDelegate(typeof(PacketProcessor), engine, engineType.GetMethod("Process"));
                    var workload = new Workload(kind, flows, process);
                    int rounds = Math.Max(4, 2048 / flows);
                    Counter.Reset();
                    for (int r = 0; r < rounds; r++)
                    {
                        workload.Round();
                    }

                    double packets = 2.0 * workload.Flows * rounds;
                    Console.WriteLine(string.Format(
                        CultureInfo.InvariantCulture,
                        "il {0} flows={1} instructions={2:0.0} calls={3:0.0} allocations={4:0.0}",
                        kind,
                        flows,
                        Counter.Instructions / packets,
                        Counter.Calls / packets,
                        Counter.Allocations / packets));
                    if (verbose)
                    {
                        Console.WriteLine("  full-path forwards so far: " + engineType.GetProperty("FullPathForwarded").GetValue(engine));
                    }

                    if (verbose && flows == FlowCounts[0])
                    {
                        PrintExternalCalls(counter, packets, nativeInNano);
                    }
                }
            }

            for (int site = 0; site < counter.Sites.Count; site++)
            {
                MethodReference m = counter.Sites[site];
                Counter.YieldSites[site] = m.DeclaringType.FullName == "System.Threading.Thread" && m.Name == "Sleep";
            }

            PrintTick(engineType, optionsType);
            FlowInstallCost.Print(engineType, optionsType, o => CopyOptions(o, optionsType));
            PrintEntryBytes();
            AdminWork.Print(core, o => CopyOptions(o, optionsType), counter.Methods, args.Contains("--profile"));
            return 0;
        }

        /// <summary>Only the flow-install lines of `il` (<see cref="FlowInstallCost"/>), for tests/bench/native-cost.sh.</summary>
        private static int RunIlInstall()
        {
            string dir = Path.Combine(Path.GetTempPath(), "nanorouter-il-" + Environment.ProcessId);
            var counter = new IlCounter();
            string instrumented = counter.Instrument(typeof(NatEngine).Assembly.Location, dir);
            Assembly core = new InstrumentedContext(instrumented).LoadFromAssemblyPath(instrumented);
            Type engineType = core.GetType("NanoRouter.Core.Nat.NatEngine", true);
            Type optionsType = core.GetType("NanoRouter.Core.Nat.NatOptions", true);
            FlowInstallCost.Print(engineType, optionsType, o => CopyOptions(o, optionsType));
            return 0;
        }

        /// <summary>
        /// The tick as the board runs it, every 100 ms of clock time, at 512 flows and the boards'
        /// passthrough table sizes: the costliest tick
        /// within a second and the costliest one that starts a new second (the table is swept a
        /// slice per 100 ms; the small tables and the status counts once a second), over two seconds
        /// of ticks; then one tick after a 1 s gap, which catches up a whole sweep.
        /// </summary>
        private static void PrintTick(Type engineType, Type optionsType)
        {
            var clock = new ManualClock { Now = 1000 };
            NatOptions options = Options(512);
            options.TunnelCapacity = 0; // the boards' own: a sixteenth of the table (the ESP32 sets 16)
            object engine = Activator.CreateInstance(engineType, CopyOptions(options, optionsType), clock);
            var process = (PacketProcessor)Delegate.CreateDelegate(typeof(PacketProcessor), engine, engineType.GetMethod("Process"));
            new Workload("udp", 512, process);
            MethodInfo tick = engineType.GetMethod("Tick");
            tick.Invoke(engine, null);
            long[] worst = new long[4]; // same-second IL, calls, allocations; new-second IL
            long[] worstNew = new long[3];
            for (int i = 0; i < 20; i++)
            {
                bool newSecond = (clock.Now + 100) / 1000 != clock.Now / 1000;
                clock.Now += 100;
                Counter.Reset();
                tick.Invoke(engine, null);
                long[] into = newSecond ? worstNew : worst;
                if (Counter.Instructions > into[0])
                {
                    into[0] = Counter.Instructions;
                    into[1] = Counter.Calls;
                    into[2] = Counter.Allocations;
                }
            }

            Console.WriteLine("il tick-same-second flows=512 instructions=" + worst[0] + " calls=" + worst[1] + " allocations=" + worst[2]);
            Console.WriteLine("il tick-new-second flows=512 instructions=" + worstNew[0] + " calls=" + worstNew[1] + " allocations=" + worstNew[2]);
            clock.Now += 1000;
            Counter.Reset();
            tick.Invoke(engine, null);
            Console.WriteLine("il tick-after-1s-gap flows=512 instructions=" + Counter.Instructions + " calls=" + Counter.Calls + " allocations=" + Counter.Allocations);
        }

        /// <summary>Bytes per NAT entry: every array of the table whose length grows with the capacity
        /// (entries and hash buckets), divided by the capacity, measured on a real table.</summary>
        private static void PrintEntryBytes()
        {
            var table = new NatTable(512, 1);
            long perEntry = 0;
            long fixedBytes = 0;
            foreach (FieldInfo field in typeof(NatTable).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (field.GetValue(table) is Array array)
                {
                    long bytes = (long)array.Length * System.Runtime.InteropServices.Marshal.SizeOf(array.GetType().GetElementType());
                    if (array.Length >= table.Capacity)
                    {
                        perEntry += bytes;
                    }
                    else
                    {
                        fixedBytes += bytes;
                    }
                }
            }

            Console.WriteLine("entry-bytes " + (perEntry / table.Capacity));
            Console.WriteLine("table-fixed-bytes " + fixedBytes);

            // The whole engine as the ESP32 board builds it (512 entries, 16 tunnels, 2 held
            // fragments of 1500 bytes): every array it allocates, measured on .NET (array
            // headers differ a little on nanoCLR; the payload bytes are the same).
            var device = new NatOptions
            {
                LanAddress = 0xC0A80401,
                WanAddress = 0xC0A80002,
                Capacity = 512,
                TunnelCapacity = 16,
                FragmentHeldSlots = 2,
                MaxPacketLength = 1500,
                PortRangeStart = 10000,
                PortRangeEnd = 49151,
            };
            long before = GC.GetAllocatedBytesForCurrentThread();
            var engine = new NatEngine(device, new ManualClock());
            long after = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(engine);
            Console.WriteLine("engine-heap-bytes capacity=512 " + (after - before));
        }

        private static void PrintExternalCalls(IlCounter counter, double packets, HashSet<string> nativeInNano)
        {
            for (int site = 0; site < counter.Sites.Count; site++)
            {
                long n = Counter.ExternalCalls[site];
                if (n > 0)
                {
                    MethodReference m = counter.Sites[site];
                    string name = m.DeclaringType.FullName + "::" + m.Name;
                    string where = nativeInNano.Contains(name) ? "native (InternalCall) in nanoFramework mscorlib" : "managed or not in nanoFramework mscorlib";
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  calls out of the core: {0} {1:0.00} per packet, {2}", name, n / packets, where));
                }
            }
        }

        private static HashSet<string> NativeMethodsOfNanoMscorlib()
        {
            var names = new HashSet<string>();
            string path = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NanoMscorlib")?.Value;
            if (path == null || !File.Exists(path))
            {
                return names;
            }

            using (AssemblyDefinition nano = AssemblyDefinition.ReadAssembly(path))
            {
                foreach (TypeDefinition t in nano.MainModule.GetTypes())
                {
                    foreach (MethodDefinition m in t.Methods)
                    {
                        if (m.IsInternalCall || (m.ImplAttributes & Mono.Cecil.MethodImplAttributes.InternalCall) != 0)
                        {
                            names.Add(t.FullName + "::" + m.Name);
                        }
                    }
                }
            }

            return names;
        }

        private static object CopyOptions(NatOptions source, Type optionsType)
        {
            object target = Activator.CreateInstance(optionsType);
            foreach (FieldInfo f in typeof(NatOptions).GetFields())
            {
                optionsType.GetField(f.Name).SetValue(target, f.GetValue(source));
            }

            return target;
        }
    }

    /// <summary>ns per forwarded packet (BenchmarkDotNet; one operation = one packet).</summary>
    [MemoryDiagnoser]
    public class SpeedBenchmark
    {
        private Workload _workload;

        /// <summary>The case.</summary>
        [ParamsSource(nameof(CaseValues))]
        public string Case { get; set; }

        /// <summary>The flow count.</summary>
        [ParamsSource(nameof(FlowValues))]
        public int Flows { get; set; }

        /// <summary>Cases for BenchmarkDotNet.</summary>
        public IEnumerable<string> CaseValues => Program.Cases;

        /// <summary>Flow counts for BenchmarkDotNet.</summary>
        public IEnumerable<int> FlowValues => Program.FlowCounts;

        /// <summary>Builds the engine and establishes the flows.</summary>
        [GlobalSetup]
        public void Setup()
        {
            var engine = new NatEngine(Program.Options(Flows), new ManualClock { Now = 1000 });
            _workload = new Workload(Case, Flows, engine.Process);
        }

        /// <summary>One round: two packets per flow.</summary>
        [Benchmark(OperationsPerInvoke = 1024)]
        public void Packets()
        {
            // 1024 operations: rounds of 2 x Flows packets.
            for (int done = 0; done < 1024; done += 2 * _workload.Flows)
            {
                _workload.Round();
            }
        }
    }
}
