using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>PPTP control tracking and IP fragments (stateful pieces the slow path consults).</summary>
    public sealed partial class NatEngine
    {
        private PptpTracker _pptp;
        private FragmentTracker _fragments;

        /// <summary>The PPTP control-connection tracker (read-only use: statistics and tests).</summary>
        public PptpTracker Pptp => _pptp;

        /// <summary>Seconds for the PPTP tracker, from the last tick.</summary>
        private int NowSeconds => _seconds;

        private void InitializeTracking()
        {
            int tunnels = _esp.Capacity;
            _pptp = new PptpTracker(tunnels / 2 < 4 ? 4 : tunnels / 2, tunnels);
            _fragments = new FragmentTracker(
                _options.FragmentDatagrams > 0 ? _options.FragmentDatagrams : 32,
                _options.FragmentHeldSlots > 0 ? _options.FragmentHeldSlots : 4,
                _options.MaxPacketLength > 0 ? _options.MaxPacketLength : 1600);
        }

        /// <summary>The fragment tracker (read-only use: statistics and tests).</summary>
        public FragmentTracker Fragments => _fragments;

        /// <summary>
        /// A packet the router must send on its own after <see cref="Process"/>: a later fragment
        /// that arrived before its first and was held, released (already translated) once the first
        /// came. Call it after every Process until it returns 0, and send each packet out of
        /// <paramref name="egress"/>.
        /// </summary>
        /// <returns>The packet's length in <paramref name="buffer"/> (at index 0), or 0 when none is pending.</returns>
        public int TakePending(byte[] buffer, out Side egress)
        {
            egress = Side.Lan;
            if (buffer == null || buffer.Length < _fragments.MaxPacketLength)
            {
                return 0;
            }

            return _fragments.TakeReleased(buffer);
        }

        /// <summary>An inbound first fragment was translated to <paramref name="lanAddress"/>: later
        /// fragments of its datagram follow it, and held ones are released.</summary>
        private void OnInboundFirstFragment(uint source, byte protocol, ushort identification, uint lanAddress)
        {
            _fragments.RecordFirst(source, _wanAddress, protocol, identification, lanAddress, _nowMs);
        }

        /// <summary>A segment of a PPTP control connection (TCP to port 1723), before NAT rewrites it
        /// and after its TCP state was followed: the tracker remaps Call IDs inside it and keeps the TCP
        /// checksum right. Once the session is closing (an acceptable FIN or RST), the control
        /// connection is over and its calls end, whatever GRE still flows.</summary>
        private void OnPptpControl(byte[] p, IPv4Packet ip, int entry, int host, bool outbound)
        {
            if ((_inside[entry] & NatTable.StateMask) == NatTable.StateClosing)
            {
                _pptp.OnConnectionClosed(entry);
                return;
            }

            // The tracker keys servers by an opaque number: the wire form, as the GRE fast path reads it.
            uint server = BitConverter.ToUInt32(p, outbound ? IPv4Packet.DestinationAddressOffset : IPv4Packet.SourceAddressOffset);
            int abandoned = _pptp.AbandonedConnections;
            PptpStatus status = _pptp.OnSegment(p, ip.TotalLength, entry, host, server, outbound, NowSeconds);
            VpnPptpControl(host, server, status, _pptp.AbandonedConnections != abandoned);
            SyncPptpFlows();
        }

        /// <summary>A new PPTP control session took entry <paramref name="entry"/>: forget whatever an
        /// older connection on that entry left behind.</summary>
        private void OnPptpSessionCreated(int entry)
        {
            _pptp.OnConnectionClosed(entry);
            SyncPptpFlows();
        }

        /// <summary>A PPTP call may have started, changed or ended: the native GRE path follows at once.</summary>
        private void SyncPptpFlows()
        {
            if (_flows != null)
            {
                _flows.SyncPptp();
            }
        }

        private bool PptpOutboundGre(int host, uint server, ushort callId)
        {
            return _pptp.TryOutboundGre(host, server, callId, NowSeconds);
        }

        private bool PptpInboundGre(uint server, ushort callId, out int host, out ushort originalCallId)
        {
            return _pptp.TryInboundGre(server, callId, out host, out originalCallId, NowSeconds);
        }

        /// <summary>The LAN host of an outbound GRE v1 packet quoted in an ICMP error (false when ambiguous).</summary>
        private bool PptpHostForQuoted(uint server, ushort callId, out int host)
        {
            return _pptp.TryQuotedOutboundGre(server, callId, out host);
        }

        private void FlushPptp()
        {
            _pptp.Flush();
        }

        /// <summary>
        /// Once a second, after the NAT table's expiry: a control connection lives only as long as its
        /// NAT session (the PPTP session on that entry, of that host and server, not closing), and calls
        /// end with their connection. Then the tracker's own idle expiry (calls without GRE or control
        /// messages, connections without control segments, for the UDP timeout).
        /// </summary>
        private void ExpirePptp()
        {
            int key;
            int host;
            uint server;
            uint pptpSession = NatTable.Tcp | NatTable.SlowFlag | (((uint)PassthroughProtocol.Pptp - 1) << NatTable.RuleShift);
            int left = _pptp.ActiveConnections;
            int slots = _pptp.MaxConnections;
            for (int slot = 0; left > 0 && slot < slots; slot++)
            {
                if (!_pptp.TryGetConnection(slot, out key, out host, out server))
                {
                    continue;
                }

                left--;
                if ((uint)key >= (uint)_inside.Length
                    || (_inside[key] & (NatTable.ProtocolMask | NatTable.SlowFlag | NatTable.RuleMask)) != pptpSession
                    || (int)(_inside[key] >> NatTable.HostShift) != host
                    || _remote[key] != server
                    || (_inside[key] & NatTable.StateMask) == NatTable.StateClosing)
                {
                    _pptp.OnConnectionClosed(key);
                }
            }

            _pptp.Expire(NowSeconds, _udpSec);
        }

        private int PptpCalls()
        {
            return _pptp.ActiveCalls;
        }

        /// <summary>A later fragment from the WAN: it goes where its first fragment went; one that comes
        /// before its first is held (bounded, a fair share per remote) and released when the first
        /// arrives, but only when it comes from a remote that a live mapping talks to (a NAT session,
        /// an ESP or GRE mapping): a flood of unmatched later fragments from elsewhere takes no slot.</summary>
        private Verdict InboundLaterFragment(byte[] p, IPv4Packet ip)
        {
            uint lanAddress;
            if (_fragments.TryLookup(ip.SourceAddress, ip.DestinationAddress, ip.Protocol, ip.Identification, out lanAddress, _nowMs))
            {
                _translator.RewriteAddress(p, 0, (int)(lanAddress & 0xFF), Translator.Inbound, 0);
                return Forward(Side.Lan);
            }

            uint remote = BitConverter.ToUInt32(p, IPv4Packet.SourceAddressOffset);
            if (!_table.HasRemote(remote) && !_esp.HasPeer(remote) && !_gre.HasPeer(remote))
            {
                return Drop(DropReason.Fragment);
            }

            int evicted = _fragments.Evicted;
            if (_fragments.Hold(p, ip.TotalLength, _nowMs))
            {
                if (_fragments.Evicted != evicted)
                {
                    // Every slot was taken: an older held fragment was dropped for this one.
                    _vpn.MarkServer(ip.SourceAddress, VpnProblem.FragmentsDropped);
                }

                return Drop(DropReason.FragmentHeld);
            }

            if (ip.TotalLength <= _fragments.MaxPacketLength)
            {
                // No slot could be had for it.
                _vpn.MarkServer(ip.SourceAddress, VpnProblem.FragmentsDropped);
            }

            return Drop(DropReason.Fragment);
        }

        /// <summary>A wire-form address as a big-endian number, and back (a byte swap).</summary>
        private static uint SwapAddress(uint value)
        {
            return (value >> 24) | ((value >> 8) & 0xFF00) | ((value << 8) & 0xFF0000) | (value << 24);
        }
    }
}
