using System.Runtime.CompilerServices;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// The packet port over the native shim (native/): lwIP's IPv4 input hook queues the packets
    /// the router forwards, and <see cref="Complete"/> sends them with netif output or hands them
    /// back to lwIP. Needs firmware built with this interop assembly (boards/esp32-devkitc/README.md).
    /// It is also the board clock: esp_timer milliseconds, monotonic, unlike DateTime.UtcNow (SNTP moves it).
    /// </summary>
    public sealed class NativePacketPort : IPacketPort, IClock
    {
        /// <summary>How many counters <see cref="ReadCounters"/> fills (native nr_port_counters order).</summary>
        public const int CounterCount = 13;

        private Side _lastIngress;

        /// <summary>Attaches the shim to the soft-AP and station netifs; false until Wi-Fi is up.</summary>
        public bool Start() => NativeStart();

        /// <summary>Sets the classification rule: LAN address and mask, WAN address (0 = none), NAT port range.</summary>
        public void Configure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh) =>
            NativeConfigure(lanAddress, lanMask, wanAddress, portLow, portHigh);

        /// <summary>Makes the shim consume (or stop consuming) WAN packets to a port below the NAT range.</summary>
        public bool SetPreserved(int protocol, int port, bool active) => NativeSetPreserved(protocol, port, active);

        /// <summary>Copies the shim's counters (consumed, passed, malformed, expired, ..., RX and TX overflow).</summary>
        public int ReadCounters(int[] counters) => NativeCounters(counters);

        /// <inheritdoc />
        public int Receive(byte[] buffer, int timeoutMs, out Side ingress)
        {
            int packed = NativeReceive(buffer, timeoutMs);
            ingress = (Side)(packed >> 16);
            _lastIngress = ingress;
            return packed & 0xFFFF;
        }

        /// <inheritdoc />
        public void Complete(Verdict verdict, byte[] buffer, int length, Side egress)
        {
            if (verdict != Verdict.Drop)
            {
                // Local goes back into lwIP on the side it came from.
                Side side = verdict == Verdict.Local ? _lastIngress : egress;
                NativeComplete((int)verdict, buffer, length, (int)side);
            }
        }

        /// <inheritdoc />
        public void Send(byte[] buffer, int length, Side egress)
        {
            // The native side copies whatever it is given into its TX ring: a packet the router
            // made or released goes out exactly like a forwarded one (TTL handled there too).
            NativeComplete((int)Verdict.Forward, buffer, length, (int)egress);
        }

        /// <inheritdoc />
        public int NowMs => NativeNowMs();

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeReceive(byte[] buffer, int timeoutMs);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern bool NativeComplete(int verdict, byte[] buffer, int length, int side);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void NativeConfigure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern bool NativeSetPreserved(int protocol, int port, bool active);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeCounters(int[] counters);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern bool NativeStart();

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeNowMs();
    }
}
