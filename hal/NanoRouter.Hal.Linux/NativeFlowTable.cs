using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// The host board's native flow path: libnrflow.so (dataplane/, the C code the ESP32 runs in its
    /// lwIP hook), P/Invoked. One native allocation holds the table, its entries and buckets. The
    /// NFQUEUE loop runs <see cref="Process(byte*, int, Side, out Side)"/> on every queued packet before the managed engine sees
    /// it; the engine installs and removes flows through <see cref="IFlowPath"/>. On this board both
    /// are the one packet thread, so the native one-writer protocol's grace periods end at once.
    /// Made with NR_FLOW_KEEP_TTL: the kernel routes the accepted packet and takes one off the TTL
    /// itself, exactly as for a packet the managed engine forwarded.
    /// </summary>
    public sealed unsafe class NativeFlowTable : IFlowPath, IDisposable
    {
        /// <summary>nr_flow_process: the packet was translated in place.</summary>
        public const int Hit = 1;

        private const string Library = "nrflow";
        private const uint KeepTtl = 1;
        private const int StateBytes = 20;
        private const int SpecBytes = 24;

        private readonly int _capacity;
        private void* _block;
        private IntPtr _table;
        private uint _nowSeconds;

        /// <summary>Allocates a table of <paramref name="capacity"/> slots (1 to 65534) with one
        /// bucket per slot and a random hash multiplier.</summary>
        public NativeFlowTable(int capacity)
        {
            if (capacity < 1 || capacity > 0xFFFE)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity));
            }

            uint buckets = 2;
            while (buckets < (uint)capacity)
            {
                buckets <<= 1;
            }

            nuint bytes = nr_flow_block_bytes((uint)capacity, buckets);
            _block = NativeMemory.AlignedAlloc(bytes, 64);
            _table = nr_flow_init_block(_block, bytes, (uint)capacity, buckets, (uint)RandomNumberGenerator.GetInt32(int.MaxValue), KeepTtl);
            if (_table == IntPtr.Zero)
            {
                NativeMemory.AlignedFree(_block);
                _block = null;
                throw new InvalidOperationException("nr_flow_init_block refused the table");
            }

            _capacity = capacity;
        }

        /// <inheritdoc />
        public int Capacity => _capacity;

        /// <summary>Live entries (the native side's own count).</summary>
        public int Live => (int)nr_flow_live(_table);

        /// <inheritdoc />
        public int SetAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress) =>
            nr_flow_set_addresses(_table, lanAddress, (uint)lanPrefixLength, wanAddress);

        /// <inheritdoc />
        public void SetSeconds(int nowSeconds) => _nowSeconds = (uint)nowSeconds;

        /// <inheritdoc />
        public int Install(int slot, byte[] spec)
        {
            if (spec == null || spec.Length < SpecBytes || slot < 0)
            {
                return 3;
            }

            fixed (byte* s = spec)
            {
                return nr_flow_install(_table, (uint)slot, s);
            }
        }

        /// <inheritdoc />
        public int Remove(int slot) => slot < 0 ? 3 : nr_flow_remove(_table, (uint)slot);

        /// <inheritdoc />
        public int Read(int slot, byte[] state)
        {
            if (state == null || state.Length < StateBytes || slot < 0)
            {
                return -1;
            }

            fixed (byte* s = state)
            {
                return nr_flow_read(_table, (uint)slot, s);
            }
        }

        /// <summary>Reads a slot's installed spec (24 bytes), as nr_flow_read_spec: for tests.</summary>
        public int ReadSpec(int slot, byte[] spec)
        {
            fixed (byte* s = spec)
            {
                return nr_flow_read_spec(_table, (uint)slot, s);
            }
        }

        /// <summary>
        /// The data path: translates the IPv4 packet of <paramref name="length"/> bytes at
        /// <paramref name="packet"/> in place when it belongs to an installed flow (<see cref="Hit"/>,
        /// to send out of <paramref name="egress"/>); otherwise leaves it untouched for the managed
        /// engine (0). Stamps with the seconds of the engine's last tick.
        /// </summary>
        public int Process(byte* packet, int length, Side ingress, out Side egress)
        {
            byte side;
            int result = nr_flow_process(_table, packet, (uint)length, (byte)ingress, _nowSeconds, &side);
            egress = (Side)side;
            return result;
        }

        /// <summary>As <see cref="Process(byte*, int, Side, out Side)"/> on <paramref name="length"/> bytes
        /// at <paramref name="offset"/> of a managed buffer.</summary>
        public int Process(byte[] buffer, int offset, int length, Side ingress, out Side egress)
        {
            if ((uint)offset > (uint)buffer.Length || (uint)length > (uint)(buffer.Length - offset))
            {
                egress = ingress;
                return 0;
            }

            fixed (byte* p = buffer)
            {
                return Process(p + offset, length, ingress, out egress);
            }
        }

        /// <summary>Frees the native memory.</summary>
        public void Dispose()
        {
            if (_block != null)
            {
                NativeMemory.AlignedFree(_block);
                _block = null;
                _table = IntPtr.Zero;
            }
        }

        [DllImport(Library)]
        private static extern nuint nr_flow_block_bytes(uint capacity, uint buckets);

        [DllImport(Library)]
        private static extern IntPtr nr_flow_init_block(void* block, nuint blockBytes, uint capacity, uint buckets, uint seed, uint flags);

        [DllImport(Library)]
        private static extern int nr_flow_set_addresses(IntPtr table, uint lanAddress, uint lanPrefix, uint wanAddress);

        [DllImport(Library)]
        private static extern int nr_flow_install(IntPtr table, uint slot, byte* spec);

        [DllImport(Library)]
        private static extern int nr_flow_remove(IntPtr table, uint slot);

        [DllImport(Library)]
        private static extern int nr_flow_read(IntPtr table, uint slot, byte* state);

        [DllImport(Library)]
        private static extern int nr_flow_read_spec(IntPtr table, uint slot, byte* spec);

        [DllImport(Library)]
        private static extern uint nr_flow_live(IntPtr table);

        // Short, never blocks, never calls back: no GC transition needed.
        [DllImport(Library)]
        [SuppressGCTransition]
        private static extern int nr_flow_process(IntPtr table, byte* packet, uint length, byte ingressSide, uint nowSec, byte* egressSide);
    }
}
