using System.Runtime.CompilerServices;

namespace NanoRouter.Hal.Esp32.Native
{
    /// <summary>
    /// The native shim's InternalCall entry points, and nothing else: nanoCLR finds a native method
    /// by its index in the assembly's method table, and the assembly checksum it compares at boot
    /// does not cover methods declared before the first native one. In an assembly of its own that
    /// holds only these, every change to the native contract changes the checksum, so a firmware
    /// built for another contract refuses the assembly instead of calling the wrong function.
    /// The C side is hal/NanoRouter.Hal.Esp32/native/nr_interop.cpp; the metadata processor
    /// generates the lookup table (Stubs/NanoRouter.Hal.Esp32.Native/).
    /// </summary>
    public static class NativeShim
    {
        /// <summary>Copies the oldest queued packet into <paramref name="buffer"/>, waiting at most
        /// <paramref name="timeoutMs"/>: (side &lt;&lt; 16) | length, or 0 on timeout.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Receive(byte[] buffer, int timeoutMs);

        /// <summary>Queues a verdict's packet to be sent (Forward) or handed back to lwIP (Local).</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern bool Complete(int verdict, byte[] buffer, int length, int side);

        /// <summary>Sets the classification rule: LAN address and mask, WAN address (0 = none), NAT port range.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Configure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh);

        /// <summary>Makes the shim consume (or stop consuming) WAN packets to a port outside the NAT range.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern bool SetPreserved(int protocol, int port, bool active);

        /// <summary>Copies the shim's counters; returns how many it filled.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Counters(int[] counters);

        /// <summary>Attaches the shim to the soft-AP and station netifs; false until Wi-Fi is up.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern bool Start();

        /// <summary>esp_timer's milliseconds: monotonic, wrapping at 2^32.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int NowMs();

        /// <summary>PBKDF2's inner loop in mbedTLS (NanoRouter.Hal.IHmacSha256Chain.Chain): block = T, then
        /// the message; iterations times U = HMAC-SHA256(key, message), the message becomes U, T ^= U.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern bool HmacChain(byte[] key, int keyCount, byte[] block, int messageLength, int iterations);

        /// <summary>The native flow table's slots (nr_flows.c), or 0 when the firmware has none.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int FlowCapacity();

        /// <summary>Removes every native flow and applies the addresses (NanoRouter.Hal.IFlowPath.SetAddresses): an nr_flow status.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int FlowAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress);

        /// <summary>The engine's seconds, which the input hook stamps the flows it forwards with.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void FlowSeconds(int nowSeconds);

        /// <summary>Installs the 24-byte flow spec at index 0 of <paramref name="spec"/> at <paramref name="slot"/>: an nr_flow status.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int FlowInstall(int slot, byte[] spec);

        /// <summary>Removes the live flow at <paramref name="slot"/>: an nr_flow status.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int FlowRemove(int slot);

        /// <summary>Reads a slot's 20-byte state into <paramref name="state"/>: its state (0-3), or -1.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int FlowRead(int slot, byte[] state);
    }
}
