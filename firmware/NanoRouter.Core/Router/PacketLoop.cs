using NanoRouter.Core.Nat;
using NanoRouter.Hal;

namespace NanoRouter.Core.Router
{
    /// <summary>
    /// The forwarding loop both boards run on their packet thread: receive one packet from the port
    /// (waiting at most the given time), let the engine decide, hand the verdict back, send the later
    /// fragments the engine released, and tick the engine (timeouts, switches, uplink changes) at
    /// least every <c>tickIntervalMs</c>. Allocates nothing after construction.
    /// </summary>
    public sealed class PacketLoop
    {
        private readonly NatEngine _engine;
        private readonly IPacketPort _port;
        private readonly IClock _clock;
        private readonly int _tickIntervalMs;
        private readonly byte[] _buffer;
        private readonly byte[] _released;
        private int _lastTickMs;

        /// <summary>Builds the loop and its two buffers of <paramref name="maxPacket"/> bytes (the
        /// receive buffer has room for the link-layer source address after the largest packet, which
        /// the port writes there: the engine charges new sessions to it).</summary>
        public PacketLoop(NatEngine engine, IPacketPort port, IClock clock, int maxPacket, int tickIntervalMs)
        {
            _engine = engine;
            _port = port;
            _clock = clock;
            _tickIntervalMs = tickIntervalMs;
            _buffer = new byte[maxPacket + NatEngine.LinkSourceLength];
            engine.LinkSourceAfterPacket = true;
            _released = new byte[maxPacket];
            _lastTickMs = clock.NowMs;
        }

        /// <summary>Runs one turn: at most one packet, then the tick when it is due.</summary>
        /// <returns>The received packet's length, 0 when none came.</returns>
        public int RunOnce(int waitMs)
        {
            Side ingress;
            int length = _port.Receive(_buffer, waitMs, out ingress);
            if (length > 0)
            {
                // TTL 1 or 0 from the LAN expires here. The ESP32's shim answers those itself and never
                // queues them; the host board hands them to its kernel (Local), which answers with Time
                // Exceeded from the LAN address while the packet still has the LAN host's source.
                Verdict verdict = ingress == Side.Lan && length > 8 && _buffer[8] <= 1 ? Verdict.Local : _engine.Process(_buffer, length, ingress);
                _port.Complete(verdict, _buffer, length, _engine.Egress);
                Side egress;
                int extra;
                while ((extra = _engine.TakePending(_released, out egress)) > 0)
                {
                    _port.Send(_released, extra, egress);
                }
            }

            int now = _clock.NowMs;
            if (now - _lastTickMs >= _tickIntervalMs)
            {
                _lastTickMs = now;
                _engine.Tick();
            }

            return length;
        }
    }
}
