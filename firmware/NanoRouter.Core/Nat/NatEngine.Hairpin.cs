using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// Hairpinning (RFC 4787 REQ-9).
    /// </summary>
    public sealed partial class NatEngine
    {
        private int _hairpinned;

        /// <summary>Packets hairpinned from one LAN host to another through the WAN address.</summary>
        public int Hairpinned => _hairpinned;

        /// <summary>
        /// Hairpinning (RFC 4787 REQ-9): a LAN host sends to the WAN address and an external port
        /// mapped to another LAN host. The packet leaves with the sender's external source (its own
        /// mapping, created if needed) and arrives at the other host, filtered like WAN traffic:
        /// the target must have a session with the WAN address as its remote.
        /// </summary>
        private Verdict Hairpin(byte[] p, IPv4Packet ip)
        {
            byte protocol = ip.Protocol;
            if ((protocol != IPv4Packet.ProtocolTcp && protocol != IPv4Packet.ProtocolUdp) || !ip.HasTransportHeader || ip.IsFragment)
            {
                return Verdict.Local;
            }

            if (!TransportFits(p, ip))
            {
                return Drop(DropReason.MalformedTransport);
            }

            if (ip.HasOptions)
            {
                return Drop(DropReason.Martian);
            }

            int l4 = ip.HeaderLength;
            bool tcp = protocol == IPv4Packet.ProtocolTcp;
            uint code = tcp ? NatTable.Tcp : NatTable.Udp;
            // The sender's own session towards the WAN address comes first (the "punch" that lets
            // the other host's answers in, as address-dependent filtering wants), then the target.
            int host = (int)(ip.SourceAddress & 0xFF);
            uint key = BitConverter.ToUInt16(p, l4) | ((uint)host << NatTable.HostShift) | code;
            int flags = tcp ? p[l4 + TcpSegment.FlagsOffset] : 0;
            int e = _table.FindOutbound(key, _wanWire);
            if (e == NoIndex && (!tcp || (flags & (TcpSegment.FlagSyn | TcpSegment.FlagAck | TcpSegment.FlagRst)) == TcpSegment.FlagSyn))
            {
                e = CreateSession(p, key, 0, _wanWire, BitConverter.ToUInt16(p, l4 + 2), host);
                if (e == NoIndex)
                {
                    return Verdict.Drop;
                }
            }

            if (e != NoIndex && tcp)
            {
                TrackTcp(e, p, ip, flags, true);
            }

            int any;
            int target = _table.FindInbound(BitConverter.ToUInt16(p, l4 + 2), code, _wanWire, out any);
            if (target == NoIndex && e != NoIndex && _forwardCount != 0)
            {
                // To a port forward: its host gets the packet from the WAN address and the sender's
                // external port, so its replies come back here and go to the sender.
                int forward = FindForward(code, BitConverter.ToUInt16(p, l4 + 2));
                if (forward >= 0)
                {
                    target = OpenForward(forward, p, ip, _wanWire, _outside[e]);
                    if (target == NoIndex)
                    {
                        return Verdict.Drop;
                    }
                }
            }

            if (target == NoIndex)
            {
                if (any != NoIndex)
                {
                    return Drop(DropReason.Filtered);
                }

                return Verdict.Local;
            }

            if (e == NoIndex)
            {
                // TCP that is not a SYN and has no session: a stray.
                return Drop(DropReason.NoMapping);
            }

            if (tcp)
            {
                TrackTcp(target, p, ip, flags, false);
            }

            _seen[e] = _now;
            _seen[target] = _now;

            // Source: LAN host -> WAN address and the sender's external port.
            Translate(p, 0, ip.HeaderLength, ip.TotalLength, e, host, Translator.Outbound, 0);

            // Destination: WAN address and external port -> the target host and its LAN port.
            Translate(p, 0, ip.HeaderLength, ip.TotalLength, target, HostOf(target), Translator.Inbound, 0);
            _hairpinned++;
            return Forward(Side.Lan);
        }
    }
}
