using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// PPTP: the control connection (TCP 1723) tracked by PptpTracker, and its enhanced GRE
    /// (version 1) mapped by call ID.
    /// </summary>
    public sealed partial class NatEngine
    {
        private PptpTracker _pptp;

        /// <summary>Seconds for the PPTP tracker, from the last tick.</summary>
        private int NowSeconds => _seconds;

        private void InitializePptp()
        {
            int tunnels = _esp.Capacity;
            _pptp = new PptpTracker(tunnels / 2 < 4 ? 4 : tunnels / 2, tunnels);
        }

        /// <summary>The PPTP control-connection tracker (read-only use: statistics and tests).</summary>
        public PptpTracker Pptp => _pptp;

        /// <summary>
        /// PPTP's enhanced GRE (version 1, K set, no checksum or routing) on an established call: LAN
        /// to WAN the Call ID is the server's and only the source changes; WAN to LAN our external
        /// Call ID goes back to the client's own (GRE v1 has no checksum).
        /// </summary>
        private Verdict EstablishedPptpGre(byte[] packet, int length, Side ingress)
        {
            int callId = (packet[26] << 8) | packet[27];
            if (ingress == Side.Lan)
            {
                uint source = BitConverter.ToUInt32(packet, 12);
                if ((source & _lanMaskWire) != _lanNetworkWire)
                {
                    return ProcessInFull(packet, length, ingress);
                }

                int host = (int)(source >> 24);
                if (!_pptp.FastOutboundGre(host, BitConverter.ToUInt32(packet, 16), callId, _seconds))
                {
                    return ProcessInFull(packet, length, ingress);
                }

                _translator.RewriteAddress(packet, 0, host, Translator.Outbound, 0);
                _ruleOut[PptpIndex]++;
                _egress = Side.Wan;
            }
            else
            {
                if (BitConverter.ToUInt32(packet, 16) != _wanWire)
                {
                    return ProcessInFull(packet, length, ingress);
                }

                int found = _pptp.FastInboundGre(BitConverter.ToUInt32(packet, 12), callId, _seconds);
                if (found < 0)
                {
                    return ProcessInFull(packet, length, ingress);
                }

                packet[26] = (byte)(found >> 8);
                packet[27] = (byte)found;
                _translator.RewriteAddress(packet, 0, found >> 16, Translator.Inbound, 0);
                _ruleIn[PptpIndex]++;
                _egress = Side.Lan;
            }

            if (_flows != null)
            {
                _flows.PptpForwarded();
            }

            return Verdict.Forward;
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

            // The tracker keys servers by an opaque number: the wire form, as the GRE established path reads it.
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
            uint pptpSession = NatTable.Tcp | NatTable.FullPathFlag | (((uint)PassthroughProtocol.Pptp - 1) << NatTable.RuleShift);
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
                    || (_inside[key] & (NatTable.ProtocolMask | NatTable.FullPathFlag | NatTable.RuleMask)) != pptpSession
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
    }
}
