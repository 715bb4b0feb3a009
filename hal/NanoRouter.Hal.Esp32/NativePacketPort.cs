using NanoRouter.Hal.Esp32.Native;

namespace NanoRouter.Hal.Esp32
{
    /// <summary>
    /// The packet port over the native shim (native/): lwIP's IPv4 input hook queues the packets the
    /// router forwards, <see cref="Complete"/> sends them with netif output or hands them back to
    /// lwIP. It is also the board clock: esp_timer milliseconds, monotonic (DateTime.UtcNow moves
    /// with SNTP), and the admin password's PBKDF2 loop in mbedTLS (the interpreter would take a
    /// thousand times longer). And the native flow path's control side (nr_flows.c): the engine
    /// installs its established flows there and the input hook forwards their packets in C, never
    /// queued (<see cref="IFlowPath.Capacity"/> 0 on a firmware built without the table). Needs
    /// firmware built with the interop assembly (boards/esp32-devkitc/README.md).
    /// </summary>
    public sealed class NativePacketPort : IPacketPort, IClock, IForwardingShim, IHmacSha256Chain, IFlowPath
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

        /// <inheritdoc />
        public int Capacity => NativeShim.FlowCapacity();

        /// <inheritdoc />
        public int SetAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress) => NativeShim.FlowAddresses(lanAddress, lanPrefixLength, wanAddress);

        /// <inheritdoc />
        public void SetSeconds(int nowSeconds) => NativeShim.FlowSeconds(nowSeconds);

        /// <inheritdoc />
        public int Install(int slot, byte[] spec) => NativeShim.FlowInstall(slot, spec);

        /// <inheritdoc />
        public int Remove(int slot) => NativeShim.FlowRemove(slot);

        /// <inheritdoc />
        public int Read(int slot, byte[] state) => NativeShim.FlowRead(slot, state);
    }
}
