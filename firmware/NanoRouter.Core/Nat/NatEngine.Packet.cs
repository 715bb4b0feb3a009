using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// The packet path: <see cref="Process"/> first looks for an established flow by protocol (a
    /// hash probe with the fewest checks, in the protocol's own file), and everything it does not find
    /// goes in full through <see cref="ProcessInFull"/>: validation, the router's own traffic, then the
    /// protocol's handler, which creates sessions and mappings. Both end in the one translator.
    /// <para>
    /// IP options: a packet to be forwarded (either way) that carries any IPv4 option but End of
    /// Option List and No Operation is dropped and counted as Martian. A router that forwards them
    /// must process them (RFC 791: record its own address in Record Route and Timestamp, follow a
    /// source route), which this NAT does not, and on the ESP32 nothing after the core would drop
    /// them (lwIP sends what the core forwards; on the host board Linux dropped source routes after
    /// the core and wrote its address into Record Route, so the boards disagreed). RFC 7126 treats
    /// source routes and Record Route as tools of reconnaissance; no LAN application needs them
    /// through a NAT. The price: `ping -R` and option-based traceroutes end at the router. Packets
    /// for the router itself are Local as before, so Router Alert (IGMP) is unaffected.
    /// </para>
    /// </summary>
    public sealed partial class NatEngine
    {
        /// <summary>
        /// Processes one packet: the packet's IPv4 header starts at index 0 and it is
        /// <paramref name="length"/> bytes long. See the type summary for the verdicts.
        /// </summary>
        public Verdict Process(byte[] packet, int length, Side ingress)
        {
            // A 20-byte IPv4 header whose total length is the packet's, no fragmentation, at least 40
            // bytes (every established-path offset is below 40), all inside the buffer. Fragments, options,
            // padding and short packets go slow.
            if (length < 40 || length > packet.Length || packet[0] != 0x45 || packet[2] != (byte)(length >> 8) || packet[3] != (byte)length
                || (BitConverter.ToUInt32(packet, 4) & 0xFF3F0000) != 0)
            {
                return ProcessInFull(packet, length, ingress);
            }

            switch (packet[9])
            {
                case IPv4Packet.ProtocolTcp:
                    // SYN, FIN and RST change TCP state, and a segment without ACK carries no
                    // acknowledgment to track: the full path.
                    return (packet[33] & 0x17) == 0x10 ? EstablishedSession(packet, length, ingress, NatTable.Tcp, ingress == Side.Lan ? 20 : 22) : ProcessInFull(packet, length, ingress);
                case IPv4Packet.ProtocolUdp:
                    // With or without a checksum (0 stays 0: Translator): the session is a 4-tuple,
                    // whatever the remote port, as on the native path.
                    return EstablishedSession(packet, length, ingress, NatTable.Udp, ingress == Side.Lan ? 20 : 22);
                case IPv4Packet.ProtocolIcmp:
                    // Echo only; the identifier plays the port both ways.
                    return packet[20] == (ingress == Side.Lan ? IcmpPacket.TypeEchoRequest : IcmpPacket.TypeEchoReply) ? EstablishedSession(packet, length, ingress, NatTable.Icmp, 24) : ProcessInFull(packet, length, ingress);
                case IPv4Packet.ProtocolEsp:
                    return EstablishedEsp(packet, length, ingress);
                case IPv4Packet.ProtocolGre:
                    return EstablishedGre(packet, length, ingress);
                default:
                    return ProcessInFull(packet, length, ingress);
            }
        }

        /// <summary>Validates the packet fully, then translates it or decides Local or Drop.</summary>
        private Verdict ProcessInFull(byte[] p, int length, Side ingress)
        {
            _lastDrop = DropReason.None;
            _packetLength = length;
            IPv4Packet ip;
            if (p == null || IPv4Packet.TryParse(p, 0, length, out ip) != WireStatus.Ok || !ip.IsHeaderChecksumValid())
            {
                return Drop(DropReason.Malformed);
            }

            if (ingress == Side.Lan)
            {
                return ProcessOutbound(p, ip);
            }

            return ProcessInbound(p, ip);
        }

        private Verdict ProcessOutbound(byte[] p, IPv4Packet ip)
        {
            uint src = ip.SourceAddress;
            uint dst = ip.DestinationAddress;
            if ((src & _lanMask) != _lanNetwork || src == _lanAddress || (src & ~_lanMask) == 0 || (src | _lanMask) == 0xFFFFFFFF)
            {
                return Drop(DropReason.Spoofed);
            }

            if (IsLocalDestination(dst))
            {
                return Verdict.Local;
            }

            if (ip.HasOptions && dst != _wanAddress)
            {
                // The router forwards no IP options (see the type summary); to the WAN address,
                // Hairpin decides, as the router's own stack may be meant.
                return Drop(DropReason.Martian);
            }

            if (_wanAddress == 0)
            {
                return Drop(DropReason.NoUplink);
            }

            if (dst == _wanAddress)
            {
                return Hairpin(p, ip);
            }

            int host = (int)(src & 0xFF);
            if (!ip.HasTransportHeader)
            {
                // A later fragment carries no ports: its source becomes the WAN address, whatever
                // its first fragment's mapping is, so it needs no state (and may come first).
                _translator.RewriteAddress(p, 0, host, Translator.Outbound, 0);
                return Forward(Side.Wan);
            }

            switch (ip.Protocol)
            {
                case IPv4Packet.ProtocolTcp:
                case IPv4Packet.ProtocolUdp:
                    return OutboundTransport(p, ip, host);
                case IPv4Packet.ProtocolIcmp:
                    return OutboundIcmp(p, ip, host);
                case IPv4Packet.ProtocolEsp:
                    return OutboundEsp(p, ip, host);
                case IPv4Packet.ProtocolGre:
                    return OutboundGre(p, ip, host);
                default:
                    return Drop(DropReason.UnsupportedProtocol);
            }
        }

        private Verdict ProcessInbound(byte[] p, IPv4Packet ip)
        {
            // The LAN subnet (and the router's own LAN address, where the admin page lives) is
            // never reachable from the WAN, and nothing on the WAN may claim a LAN source.
            if ((ip.DestinationAddress & _lanMask) == _lanNetwork || (ip.SourceAddress & _lanMask) == _lanNetwork)
            {
                return Drop(DropReason.Martian);
            }

            if (_wanAddress == 0 || ip.DestinationAddress != _wanAddress)
            {
                return Verdict.Local;
            }

            if (ip.HasOptions && !IsForTheRouter(p, ip))
            {
                return Drop(DropReason.Martian);
            }

            if (!ip.HasTransportHeader)
            {
                return InboundLaterFragment(p, ip);
            }

            bool first = ip.MoreFragments;
            uint source = ip.SourceAddress;
            ushort identification = ip.Identification;
            Verdict verdict;
            switch (ip.Protocol)
            {
                case IPv4Packet.ProtocolTcp:
                case IPv4Packet.ProtocolUdp:
                    verdict = InboundTransport(p, ip);
                    break;
                case IPv4Packet.ProtocolIcmp:
                    verdict = InboundIcmp(p, ip);
                    break;
                case IPv4Packet.ProtocolEsp:
                    verdict = InboundEsp(p, ip);
                    break;
                case IPv4Packet.ProtocolGre:
                    verdict = InboundGre(p, ip);
                    break;
                default:
                    return Verdict.Local;
            }

            if (first && verdict == Verdict.Forward)
            {
                OnInboundFirstFragment(source, ip.Protocol, identification, NetworkOrder.ReadUInt32(p, IPv4Packet.DestinationAddressOffset));
            }

            return verdict;
        }

        private bool IsLocalDestination(uint dst)
        {
            if ((dst & _lanMask) == _lanNetwork || dst == 0xFFFFFFFF || dst == 0)
            {
                return true;
            }

            // Multicast (224/4), and 0/8, 127/8 are never forwarded to the WAN.
            uint first = dst >> 24;
            return first >= 224 || first == 0 || first == 127;
        }

        /// <summary>Whether a packet from the WAN to the WAN address is one the full path hands to the
        /// router's own stack (Local) rather than translates: a protocol the NAT does not handle, an
        /// ICMP query that is not an echo reply, or TCP/UDP to one of the router's own ports.</summary>
        private bool IsForTheRouter(byte[] p, IPv4Packet ip)
        {
            int l4 = ip.HeaderLength;
            switch (ip.Protocol)
            {
                case IPv4Packet.ProtocolIcmp:
                    return ip.HasTransportHeader && ip.TotalLength - l4 >= IcmpPacket.HeaderLength
                        && !IcmpPacket.IsErrorType(p[l4]) && p[l4] != IcmpPacket.TypeEchoReply;
                case IPv4Packet.ProtocolTcp:
                case IPv4Packet.ProtocolUdp:
                    return ip.HasTransportHeader && ip.TotalLength - l4 >= 4
                        && IsRouterPort(ip.Protocol == IPv4Packet.ProtocolTcp ? NatTable.Tcp : NatTable.Udp, NetworkOrder.ReadUInt16(p, l4 + 2));
                case IPv4Packet.ProtocolEsp:
                case IPv4Packet.ProtocolGre:
                    return false;
                default:
                    return true;
            }
        }

        /// <summary>Ports on the WAN address that belong to the router's own stack, not to the NAT.</summary>
        private bool IsRouterPort(uint code, int port)
        {
            if (code == NatTable.Udp && (port == ReservedDhcpServer || port == ReservedDhcpClient))
            {
                return true;
            }

            return port >= 1024 && (port < _options.PortRangeStart || port > _options.PortRangeEnd);
        }

        private Verdict Forward(Side egress)
        {
            _egress = egress;
            _forwarded++;
            return Verdict.Forward;
        }
    }
}
