using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>PPTP control tracking and IP fragments (stateful pieces the slow path consults).</summary>
    public sealed partial class NatEngine
    {
        private void OnPptpControl(byte[] p, IPv4Packet ip, int entry, int host, bool outbound)
        {
        }

        private bool PptpOutboundGre(int host, uint server, ushort callId)
        {
            return false;
        }

        private bool PptpInboundGre(uint server, ushort callId, out int host, out ushort originalCallId)
        {
            host = 0;
            originalCallId = 0;
            return false;
        }

        private bool PptpHostForQuoted(uint server, ushort callId, out int host)
        {
            host = 0;
            return false;
        }

        private void FlushPptp()
        {
        }

        private void ExpirePptp()
        {
        }

        private int PptpCalls()
        {
            return 0;
        }

        private Verdict InboundLaterFragment(byte[] p, IPv4Packet ip)
        {
            return Drop(DropReason.Fragment);
        }

        /// <summary>A wire-form address as a big-endian number, and back (a byte swap).</summary>
        private static uint SwapAddress(uint value)
        {
            return (value >> 24) | ((value >> 8) & 0xFF00) | ((value << 8) & 0xFF0000) | (value << 24);
        }
    }
}
