using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// ICMP: echo sessions (the identifier plays the port) and errors both ways, whose quoted
    /// packet is translated back with the one translator (RFC 5508).
    /// </summary>
    public sealed partial class NatEngine
    {
        private int _icmpErrorsTranslated;

        /// <summary>ICMP errors translated, both directions.</summary>
        public int IcmpErrorsTranslated => _icmpErrorsTranslated;

        private Verdict OutboundIcmp(byte[] p, IPv4Packet ip, int host)
        {
            int l4 = ip.HeaderLength;
            if (ip.TotalLength - l4 < IcmpPacket.HeaderLength)
            {
                return Drop(DropReason.MalformedTransport);
            }

            byte type = p[l4];
            if (IcmpPacket.IsErrorType(type))
            {
                return OutboundIcmpError(p, ip, host);
            }

            if (type != IcmpPacket.TypeEchoRequest)
            {
                // Echo replies and other answers never create sessions.
                return Drop(DropReason.NoMapping);
            }

            uint key = BitConverter.ToUInt16(p, l4 + IcmpPacket.IdentifierOffset) | ((uint)host << NatTable.HostShift) | NatTable.Icmp;
            uint remoteWire = BitConverter.ToUInt32(p, IPv4Packet.DestinationAddressOffset);
            int e = _table.FindOutbound(key, remoteWire);
            if (e == NoIndex)
            {
                e = CreateSession(p, key, 0, remoteWire, 0, host);
                if (e == NoIndex)
                {
                    return Verdict.Drop;
                }
            }

            _seen[e] = _now;
            Translate(p, 0, ip.HeaderLength, ip.TotalLength, e, host, Translator.Outbound, 0);
            if (_flows != null)
            {
                _flows.SessionForwarded(e, false);
            }

            return Forward(Side.Wan);
        }

        private Verdict InboundIcmp(byte[] p, IPv4Packet ip)
        {
            int l4 = ip.HeaderLength;
            if (ip.TotalLength - l4 < IcmpPacket.HeaderLength)
            {
                return Drop(DropReason.MalformedTransport);
            }

            byte type = p[l4];
            if (IcmpPacket.IsErrorType(type))
            {
                return InboundIcmpError(p, ip);
            }

            if (type != IcmpPacket.TypeEchoReply)
            {
                // Echo requests to the router and other queries are the router's own business.
                return Verdict.Local;
            }

            uint idWire = BitConverter.ToUInt16(p, l4 + IcmpPacket.IdentifierOffset);
            uint remoteWire = BitConverter.ToUInt32(p, IPv4Packet.SourceAddressOffset);
            int any;
            int e = _table.FindInbound(idWire, NatTable.Icmp, remoteWire, out any);
            if (e == NoIndex)
            {
                return Drop(any != NoIndex ? DropReason.Filtered : DropReason.NoMapping);
            }

            _seen[e] = _now;
            Translate(p, 0, ip.HeaderLength, ip.TotalLength, e, HostOf(e), Translator.Inbound, 0);
            if (_flows != null)
            {
                _flows.SessionForwarded(e, true);
            }

            return Forward(Side.Lan);
        }

        /// <summary>
        /// An ICMP error from the WAN about a packet we sent: the quoted packet has our WAN address
        /// and external port as its source. Translate the quoted header back (address, port, both
        /// embedded checksums), the outer destination, and the ICMP checksum. Never creates a session.
        /// </summary>
        private Verdict InboundIcmpError(byte[] p, IPv4Packet ip)
        {
            int icmp = ip.HeaderLength;
            int end = ip.TotalLength;
            int inner = icmp + IcmpPacket.HeaderLength;
            IPv4Packet quoted;
            if (!InternetChecksum.IsValid(p, icmp, end - icmp)
                || IPv4Packet.TryParseEmbedded(p, inner, end - inner, out quoted) != WireStatus.Ok
                || quoted.SourceAddress != _wanAddress)
            {
                return Drop(DropReason.IcmpNoMapping);
            }

            int quotedL4 = inner + quoted.HeaderLength;
            uint remoteWire = BitConverter.ToUInt32(p, inner + IPv4Packet.DestinationAddressOffset);
            int host;
            int e = NoIndex;
            uint quotedInside = 0;
            byte protocol = quoted.Protocol;
            if (quoted.FragmentOffset != 0)
            {
                return Drop(DropReason.IcmpNoMapping);
            }

            if (protocol == IPv4Packet.ProtocolTcp || protocol == IPv4Packet.ProtocolUdp || protocol == IPv4Packet.ProtocolIcmp)
            {
                uint code = protocol == IPv4Packet.ProtocolTcp ? NatTable.Tcp : (protocol == IPv4Packet.ProtocolUdp ? NatTable.Udp : NatTable.Icmp);
                int idAt = code == NatTable.Icmp ? quotedL4 + IcmpPacket.IdentifierOffset : quotedL4;
                if (code == NatTable.Icmp && p[quotedL4] != IcmpPacket.TypeEchoRequest)
                {
                    return Drop(DropReason.IcmpNoMapping);
                }

                int any;
                e = _table.FindInbound(BitConverter.ToUInt16(p, idAt), code, remoteWire, out any);
                if (e == NoIndex || (code != NatTable.Icmp && _table.RemotePort[e] != BitConverter.ToUInt16(p, quotedL4 + 2)))
                {
                    // No session, or the session's remote port is not the quoted one: the whole quoted
                    // 5-tuple must be a session's.
                    return Drop(DropReason.IcmpNoMapping);
                }

                quotedInside = _inside[e];
                host = HostOf(e);

                // The quoted packet left as the session's outbound packet: its source address and
                // port (or echo identifier) go back to the LAN host's, with its checksums.
                Translate(p, inner, quotedL4, end, e, host, Translator.Inbound, 1);
            }
            else if (!TryFindTunnelForQuoted(p, quotedL4, end, protocol, remoteWire, out host))
            {
                return Drop(DropReason.IcmpNoMapping);
            }
            else
            {
                // A tunnel's quoted packet: only its source address.
                _translator.RewriteAddress(p, inner, host, Translator.Inbound, 1);
            }

            VpnIcmpError(p, icmp, quotedL4, protocol, quotedInside, host, remoteWire);
            return ForwardIcmpError(p, icmp, end, host, Translator.Inbound);
        }

        /// <summary>
        /// An ICMP error from a LAN host about a packet it received from the WAN: the quoted packet
        /// has the LAN host's address and port as its destination. Translate them back to the WAN
        /// address and external port.
        /// </summary>
        private Verdict OutboundIcmpError(byte[] p, IPv4Packet ip, int host)
        {
            int icmp = ip.HeaderLength;
            int end = ip.TotalLength;
            int inner = icmp + IcmpPacket.HeaderLength;
            IPv4Packet quoted;
            if (!InternetChecksum.IsValid(p, icmp, end - icmp)
                || IPv4Packet.TryParseEmbedded(p, inner, end - inner, out quoted) != WireStatus.Ok
                || quoted.DestinationAddress != ip.SourceAddress
                || quoted.FragmentOffset != 0)
            {
                return Drop(DropReason.IcmpNoMapping);
            }

            int quotedL4 = inner + quoted.HeaderLength;
            uint remoteWire = BitConverter.ToUInt32(p, inner + IPv4Packet.SourceAddressOffset);
            byte protocol = quoted.Protocol;
            if (protocol == IPv4Packet.ProtocolTcp || protocol == IPv4Packet.ProtocolUdp || protocol == IPv4Packet.ProtocolIcmp)
            {
                uint code = protocol == IPv4Packet.ProtocolTcp ? NatTable.Tcp : (protocol == IPv4Packet.ProtocolUdp ? NatTable.Udp : NatTable.Icmp);
                int idAt = code == NatTable.Icmp ? quotedL4 + IcmpPacket.IdentifierOffset : quotedL4 + 2;
                if (code == NatTable.Icmp && p[quotedL4] != IcmpPacket.TypeEchoReply)
                {
                    return Drop(DropReason.IcmpNoMapping);
                }

                uint lanWire = BitConverter.ToUInt16(p, idAt);
                uint key = lanWire | ((uint)host << NatTable.HostShift) | code;
                int e = _table.FindOutbound(key, remoteWire);
                if (e == NoIndex)
                {
                    e = _table.FindOutbound(key | NatTable.FullPathFlag, remoteWire);
                }

                if (e == NoIndex || (code != NatTable.Icmp && _table.RemotePort[e] != BitConverter.ToUInt16(p, quotedL4)))
                {
                    return Drop(DropReason.IcmpNoMapping);
                }

                // The quoted packet came in as the session's inbound packet: its destination address
                // and port (or echo identifier) go back to the WAN side's, with its checksums.
                Translate(p, inner, quotedL4, end, e, host, Translator.Outbound, 1);
            }
            else if (protocol != IPv4Packet.ProtocolEsp && protocol != IPv4Packet.ProtocolGre)
            {
                return Drop(DropReason.IcmpNoMapping);
            }
            else
            {
                _translator.RewriteAddress(p, inner, host, Translator.Outbound, 1);
            }

            return ForwardIcmpError(p, icmp, end, host, Translator.Outbound);
        }

        /// <summary>The end of an ICMP error's translation, once its quoted packet is: the ICMP
        /// checksum covers the quote, so it is recomputed (it was checked valid first); then the
        /// error's own address goes the way of <paramref name="direction"/>.</summary>
        private Verdict ForwardIcmpError(byte[] p, int icmp, int end, int host, int direction)
        {
            p[icmp + IcmpPacket.ChecksumOffset] = 0;
            p[icmp + IcmpPacket.ChecksumOffset + 1] = 0;
            NetworkOrder.WriteUInt16(p, icmp + IcmpPacket.ChecksumOffset, InternetChecksum.Compute(p, icmp, end - icmp));
            _translator.RewriteAddress(p, 0, host, direction, 0);
            _icmpErrorsTranslated++;
            return Forward(direction == Translator.Outbound ? Side.Wan : Side.Lan);
        }
    }
}
