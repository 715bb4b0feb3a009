using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// The router's packet path: takes one whole IPv4 packet at index 0 of a caller-owned buffer,
    /// with its ingress side, and returns a verdict. Forward means the buffer was rewritten in place
    /// and goes out of <see cref="Egress"/>. Nothing on this path throws or allocates.
    /// </summary>
    public sealed partial class NatEngine
    {
        private readonly IClock _clock;
        private readonly PassthroughRules _rules;
        private readonly int[] _dropCounts = new int[32];
        private Side _egress;
        private DropReason _lastDrop;

        /// <summary>Builds the engine and allocates every table it will ever use.</summary>
        public NatEngine(NatOptions options, IClock clock)
        {
            _clock = clock;
            _rules = new PassthroughRules();
            Options = options;
        }

        /// <summary>The options the engine was built with.</summary>
        public NatOptions Options { get; }

        /// <summary>The passthrough switches and counters.</summary>
        public PassthroughRules Passthrough => _rules;

        /// <summary>Where the last forwarded packet goes.</summary>
        public Side Egress => _egress;

        /// <summary>Why the last dropped packet was dropped.</summary>
        public DropReason LastDrop => _lastDrop;

        /// <summary>How many NAT entries there are in all.</summary>
        public int Capacity => Options.Capacity;

        /// <summary>How many NAT entries are in use.</summary>
        public int ActiveEntries => 0;

        /// <summary>Packets dropped for one reason.</summary>
        public int DropCount(DropReason reason) => _dropCounts[(int)reason];

        /// <summary>Packets dropped for any reason.</summary>
        public int TotalDrops
        {
            get
            {
                int sum = 0;
                for (int i = 0; i < _dropCounts.Length; i++)
                {
                    sum += _dropCounts[i];
                }

                return sum;
            }
        }

        /// <summary>Processes one packet. See the type summary.</summary>
        public Verdict Process(byte[] packet, int length, Side ingress)
        {
            _egress = ingress;
            _lastDrop = DropReason.None;
            return Verdict.Local;
        }
    }
}
