using NanoRouter.Hal.Esp32.Native;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// The packet port over the native shim (native/): lwIP's IPv4 input hook queues the packets the
    /// router forwards, <see cref="Complete"/> sends them with netif output or hands them back to
    /// lwIP. It is also the board clock: esp_timer milliseconds, monotonic (DateTime.UtcNow moves
    /// with SNTP), and the admin password's PBKDF2 loop in mbedTLS (the interpreter would take a
    /// thousand times longer). Needs firmware built with the interop assembly (boards/esp32-devkitc/README.md).
    /// </summary>
    public sealed class NativePacketPort : IPacketPort, IClock, IForwardingShim, IHmacSha256Chain
    {
        private Side _lastIngress;

        /// <inheritdoc />
        public bool Start() => NativeShim.Start();

        /// <inheritdoc />
        public void Configure(uint lanAddress, uint lanMask, uint wanAddress, int portLow, int portHigh) =>
            NativeShim.Configure(lanAddress, lanMask, wanAddress, portLow, portHigh);

        /// <inheritdoc />
        public bool SetPreserved(int protocol, int port, bool active) => NativeShim.SetPreserved(protocol, port, active);

        /// <inheritdoc />
        public int Receive(byte[] buffer, int timeoutMs, out Side ingress)
        {
            int packed = NativeShim.Receive(buffer, timeoutMs);
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
                NativeShim.Complete((int)verdict, buffer, length, (int)(verdict == Verdict.Local ? _lastIngress : egress));
            }
        }

        /// <inheritdoc />
        public void Send(byte[] buffer, int length, Side egress)
        {
            // A packet the router made or released goes out exactly like a forwarded one.
            NativeShim.Complete((int)Verdict.Forward, buffer, length, (int)egress);
        }

        /// <inheritdoc />
        public int NowMs => NativeShim.NowMs();

        /// <inheritdoc />
        public bool Chain(byte[] key, int keyCount, byte[] block, int messageLength, int iterations) => NativeShim.HmacChain(key, keyCount, block, messageLength, iterations);
    }
}
