using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// TCP and UDP: the established lookup, the full handlers both ways (with IKE, NAT-T and
    /// L2TP, which are UDP sessions marked for the full path), MSS clamping, and the session-level
    /// call of the one translator.
    /// </summary>
    public sealed partial class NatEngine
    {
        private int _mssClamped;

        /// <summary>SYNs whose MSS option was clamped.</summary>
        public int MssClamped => _mssClamped;

        /// <summary>Checks the transport header of a packet that has one (a first fragment or a whole
        /// packet): UDP needs 8 bytes, TCP its whole header.</summary>
        private static bool TransportFits(byte[] p, IPv4Packet ip)
        {
            int l4 = ip.HeaderLength;
            int available = ip.TotalLength - l4;
            if (ip.Protocol == IPv4Packet.ProtocolTcp)
            {
                if (available < TcpSegment.MinimumHeaderLength)
                {
                    return false;
                }

                int dataOffset = (p[l4 + TcpSegment.DataOffsetOffset] >> 4) << 2;
                return dataOffset >= TcpSegment.MinimumHeaderLength && dataOffset <= available;
            }

            return available >= UdpDatagram.HeaderLength;
        }

        /// <summary>Which passthrough rule a UDP or TCP flow falls under, by its ports.</summary>
        private static bool ClassifyTransport(byte protocol, int lanPort, int remotePort, out PassthroughProtocol rule)
        {
            if (protocol == IPv4Packet.ProtocolUdp)
            {
                if (lanPort == 500 || remotePort == 500)
                {
                    rule = PassthroughProtocol.Ike;
                    return true;
                }

                if (lanPort == 4500 || remotePort == 4500)
                {
                    rule = PassthroughProtocol.NatT;
                    return true;
                }

                if (lanPort == 1701 || remotePort == 1701)
                {
                    rule = PassthroughProtocol.L2tp;
                    return true;
                }
            }
            else if (remotePort == 1723)
            {
                rule = PassthroughProtocol.Pptp;
                return true;
            }

            rule = PassthroughProtocol.Esp;
            return false;
        }

        private Verdict OutboundTransport(byte[] p, IPv4Packet ip, int host)
        {
            if (!TransportFits(p, ip))
            {
                return Drop(DropReason.MalformedTransport);
            }

            int l4 = ip.HeaderLength;
            byte protocol = ip.Protocol;
            bool tcp = protocol == IPv4Packet.ProtocolTcp;
            int lanPort = NetworkOrder.ReadUInt16(p, l4);
            int remotePort = NetworkOrder.ReadUInt16(p, l4 + 2);
            PassthroughProtocol rule;
            bool special = ClassifyTransport(protocol, lanPort, remotePort, out rule);
            if (special && !_rules.IsEnabled(rule))
            {
                VpnBlocked(rule, host, BitConverter.ToUInt32(p, IPv4Packet.DestinationAddressOffset));
                _rules.CountDrop(rule);
                return Drop(DropReason.PassthroughOff);
            }

            uint code = tcp ? NatTable.Tcp : NatTable.Udp;
            uint lanWire = BitConverter.ToUInt16(p, l4);
            uint key = lanWire | ((uint)host << NatTable.HostShift) | code | (special ? NatTable.FullPathFlag : 0);
            uint remoteWire = BitConverter.ToUInt32(p, IPv4Packet.DestinationAddressOffset);
            int flags = tcp ? p[l4 + TcpSegment.FlagsOffset] : 0;
            int e = _table.FindOutbound(key, remoteWire);
            if (e == NoIndex)
            {
                if (tcp && (flags & (TcpSegment.FlagSyn | TcpSegment.FlagAck | TcpSegment.FlagRst)) != TcpSegment.FlagSyn)
                {
                    // Only a SYN opens a TCP session; anything else is a reply or a stray.
                    return Drop(DropReason.NoMapping);
                }

                e = CreateSession(p, key, special ? ((uint)rule - 1) << NatTable.RuleShift : 0, remoteWire, BitConverter.ToUInt16(p, l4 + 2), host);
                if (e == NoIndex)
                {
                    if (special)
                    {
                        _rules.CountDrop(rule);
                    }

                    return Verdict.Drop;
                }

                if (special && rule == PassthroughProtocol.Pptp)
                {
                    OnPptpSessionCreated(e);
                }
            }

            if (tcp)
            {
                TrackTcp(e, p, ip, flags, true);
            }

            _seen[e] = _now;
            if (special && rule == PassthroughProtocol.Pptp)
            {
                OnPptpControl(p, ip, e, host, true);
            }

            Translate(p, 0, ip.HeaderLength, ip.TotalLength, e, host, Translator.Outbound, 0);
            if (tcp && (flags & TcpSegment.FlagSyn) != 0)
            {
                ClampMss(p, ip);
            }

            if (special)
            {
                _rules.CountOut(rule);
                VpnSessionOut(rule, host, e, p, ip);
                if (rule == PassthroughProtocol.Ike)
                {
                    NoteIke(host, remoteWire);
                }
            }

            if (_flows != null && (!special || rule != PassthroughProtocol.NatT || IsEspInUdp(p, ip)))
            {
                _flows.SessionForwarded(e, false);
            }

            return Forward(Side.Wan);
        }

        private Verdict InboundTransport(byte[] p, IPv4Packet ip)
        {
            if (!TransportFits(p, ip))
            {
                return Drop(DropReason.MalformedTransport);
            }

            int l4 = ip.HeaderLength;
            bool tcp = ip.Protocol == IPv4Packet.ProtocolTcp;
            uint code = tcp ? NatTable.Tcp : NatTable.Udp;
            uint externalWire = BitConverter.ToUInt16(p, l4 + 2);
            uint remoteWire = BitConverter.ToUInt32(p, IPv4Packet.SourceAddressOffset);
            int any;
            int e = _table.FindInbound(externalWire, code, remoteWire, out any);
            int remotePort = NetworkOrder.ReadUInt16(p, l4);
            PassthroughProtocol rule;
            if (e == NoIndex && _forwardCount != 0)
            {
                // A port forward's new session (NatEngine.Forwards.cs); only packets that miss the table look.
                int forward = FindForward(code, externalWire);
                if (forward >= 0)
                {
                    e = OpenForward(forward, p, ip, remoteWire, BitConverter.ToUInt16(p, l4));
                    if (e == NoIndex)
                    {
                        return Verdict.Drop;
                    }
                }
            }

            if (e == NoIndex)
            {
                if (any != NoIndex)
                {
                    uint anyInside = _inside[any];
                    if ((anyInside & NatTable.FullPathFlag) != 0)
                    {
                        _rules.CountDrop(RuleOf(anyInside));
                    }

                    return Drop(DropReason.Filtered);
                }

                int port = NetworkOrder.ReadUInt16(p, l4 + 2);
                if (IsRouterPort(code, port))
                {
                    return Verdict.Local;
                }

                if (ClassifyTransport(ip.Protocol, port, remotePort, out rule))
                {
                    _rules.CountDrop(rule);
                }

                return Drop(DropReason.NoMapping);
            }

            uint inside = _inside[e];
            bool special = (inside & NatTable.FullPathFlag) != 0;
            rule = RuleOf(inside);
            if (special && !_rules.IsEnabled(rule))
            {
                _rules.CountDrop(rule);
                return Drop(DropReason.PassthroughOff);
            }

            int flags = tcp ? p[l4 + TcpSegment.FlagsOffset] : 0;
            if (tcp)
            {
                TrackTcp(e, p, ip, flags, false);
            }

            _seen[e] = _now;
            if (special && rule == PassthroughProtocol.Pptp)
            {
                OnPptpControl(p, ip, e, (int)(inside >> NatTable.HostShift), false);
            }

            Translate(p, 0, ip.HeaderLength, ip.TotalLength, e, HostOf(e), Translator.Inbound, 0);
            if (tcp && (flags & TcpSegment.FlagSyn) != 0)
            {
                ClampMss(p, ip);
            }

            if (special)
            {
                _rules.CountIn(rule);
                VpnSessionIn(rule, e, p, ip);
            }

            if (_flows != null && (!special || rule != PassthroughProtocol.NatT || IsEspInUdp(p, ip)))
            {
                _flows.SessionForwarded(e, true);
            }

            return Forward(Side.Lan);
        }

        /// <summary>
        /// Whether a NAT-T datagram carries ESP (RFC 3948: at least an SPI and a sequence number, the SPI
        /// not 0, which is the non-ESP marker of IKE). Only these offer a NAT-T session to the native
        /// path (FlowInstaller): the session's IKE exchange and keepalives are all seen here first.
        /// </summary>
        private static bool IsEspInUdp(byte[] p, IPv4Packet ip)
        {
            int payload = ip.HeaderLength + UdpDatagram.HeaderLength;
            return ip.TotalLength - payload >= 8 && (p[payload] | p[payload + 1] | p[payload + 2] | p[payload + 3]) != 0;
        }

        /// <summary>Clamps the MSS option of a SYN to the configured value (tunnels inside Wi-Fi need room).</summary>
        private void ClampMss(byte[] p, IPv4Packet ip)
        {
            int clamp = _options.MssClamp;
            if (clamp <= 0)
            {
                return;
            }

            TcpSegment segment;
            if (TcpSegment.TryParse(p, ip.HeaderLength, ip.TotalLength - ip.HeaderLength, out segment) != WireStatus.Ok)
            {
                return;
            }

            ushort mss;
            if (segment.TryGetMss(out mss) && mss > clamp)
            {
                segment.SetMssWithChecksumUpdate((ushort)clamp);
                _mssClamped++;
            }
        }

        /// <summary>
        /// Translates a packet of session <paramref name="e"/> (LAN host <paramref name="host"/>) going
        /// in <paramref name="direction"/> (Translator.Outbound or Inbound), with its IPv4 header at
        /// <paramref name="ipAt"/>, its transport header at <paramref name="l4"/> and its bytes ending at
        /// <paramref name="end"/>; with <paramref name="quoted"/> 1 it is an ICMP error's quoted packet,
        /// which went the other way. The port moves only when the session is remapped.
        /// </summary>
        private void Translate(byte[] p, int ipAt, int l4, int end, int e, int host, int direction, int quoted)
        {
            uint inside = _inside[e];
            uint delta = _translator.RewriteAddress(p, ipAt, host, direction, quoted);
            int newPort = (inside & NatTable.RemappedFlag) == 0 ? -1 : (int)(direction == Translator.Outbound ? _outside[e] : inside & 0xFFFF);
            Translator.RewriteTransport(p, l4, end, TransportProtocolOf(inside), direction, quoted, newPort, delta);
        }

        /// <summary>The IP protocol of a session's table code (TCP, UDP or ICMP echo).</summary>
        private static byte TransportProtocolOf(uint inside)
        {
            uint code = inside & NatTable.ProtocolMask;
            return code == NatTable.Tcp ? IPv4Packet.ProtocolTcp : (code == NatTable.Udp ? IPv4Packet.ProtocolUdp : IPv4Packet.ProtocolIcmp);
        }
    }
}
