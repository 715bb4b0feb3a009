using System;
using System.Globalization;
using System.Reflection;
using NanoRouter.Hal;

namespace NanoRouter.Bench
{
    /// <summary>
    /// The managed cost of installing flows in the native flow path, in IL instructions executed (the
    /// nanoCLR interprets IL one instruction at a time, so this is the device's measure; see README "Cost
    /// per packet"): the bench's workload (setting up its flows, then two rounds of both directions) runs
    /// once through an engine with a native table (<see cref="CountingFlowPath"/>, which accepts every
    /// install and forwards nothing, so every packet still reaches the engine) and once through an engine
    /// without one; the difference, divided by the installs made, is what one install costs, the
    /// installer's per-packet checks on that workload included. One line per case:
    /// "il flow-install KIND flows=N instructions=X calls=Y allocations=Z installs=M".
    /// </summary>
    internal static class FlowInstallCost
    {
        public static void Print(Type engineType, Type optionsType, Func<Core.Nat.NatOptions, object> copyOptions)
        {
            ConstructorInfo withPath = engineType.GetConstructor(new[] { optionsType, typeof(IClock), typeof(IFlowPath) });
            foreach (string kind in Program.Cases)
            {
                foreach (int flows in Program.FlowCounts)
                {
                    long[] plain = Run(engineType, optionsType, copyOptions, null, kind, flows);
                    var path = new CountingFlowPath(2 * flows + 16);
                    long[] native = Run(engineType, optionsType, copyOptions, path, kind, flows);
                    if (path.Installs == 0)
                    {
                        throw new InvalidOperationException("flow-install " + kind + ": the workload installed nothing");
                    }

                    double n = path.Installs;
                    Console.WriteLine(string.Format(
                        CultureInfo.InvariantCulture,
                        "il flow-install {0} flows={1} instructions={2:0.0} calls={3:0.0} allocations={4:0.0} installs={5}",
                        kind,
                        flows,
                        (native[0] - plain[0]) / n,
                        (native[1] - plain[1]) / n,
                        (native[2] - plain[2]) / n,
                        path.Installs));
                }
            }

            long[] Run(Type engine, Type options, Func<Core.Nat.NatOptions, object> copy, IFlowPath flowPath, string kind, int flows)
            {
                var clock = new ManualClock { Now = 1000 };
                object o = copy(Program.Options(flows));
                object instance = flowPath == null ? Activator.CreateInstance(engine, o, clock) : withPath.Invoke(new[] { o, clock, flowPath });
                var process = (PacketProcessor)Delegate.CreateDelegate(typeof(PacketProcessor), instance, engine.GetMethod("Process"));
                Counter.Reset();
                var workload = new Workload(kind, flows, process);
                workload.Round();
                workload.Round();
                return new[] { Counter.Instructions, Counter.Calls, Counter.Allocations };
            }
        }

        /// <summary>A native table that takes every install and forwards nothing: slot states only.</summary>
        private sealed class CountingFlowPath : IFlowPath
        {
            private readonly byte[] _state;

            public CountingFlowPath(int capacity)
            {
                _state = new byte[capacity];
            }

            public int Installs { get; private set; }

            public int Capacity => _state.Length;

            public int SetAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress) => 0;

            public void SetSeconds(int nowSeconds)
            {
            }

            public int Install(int slot, byte[] spec)
            {
                _state[slot] = 1;
                Installs++;
                return 0;
            }

            public int Remove(int slot)
            {
                _state[slot] = 3;
                return 0;
            }

            public int Read(int slot, byte[] state)
            {
                Array.Clear(state, 0, 20);
                return _state[slot];
            }
        }
    }
}
