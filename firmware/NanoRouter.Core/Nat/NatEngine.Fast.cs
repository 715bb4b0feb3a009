using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// The fast path: the lookup of an established session with the fewest checks (fixed offsets for
    /// a 20-byte header, wire-form values read by BitConverter, native in nanoFramework, one hash
    /// probe), then the same rewrite as the slow path (Translation/Translator, direction as data).
    /// Anything unusual goes to the slow path, which handles it fully; the fast path never sees what
    /// it cannot translate exactly. With a native flow path (Flow/), established flows mostly never
    /// reach managed code; this is what is left for those without a native slot.
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
            // bytes (every fast-path offset is below 40), all inside the buffer. Fragments, options,
            // padding and short packets go slow.
            if (length < 40 || length > packet.Length || packet[0] != 0x45 || packet[2] != (byte)(length >> 8) || packet[3] != (byte)length
                || (BitConverter.ToUInt32(packet, 4) & 0xFF3F0000) != 0)
            {
                return ProcessSlow(packet, length, ingress);
            }

            int protocol = packet[9];
            uint key;
            uint inside;
            int e;
            if (protocol == IPv4Packet.ProtocolUdp)
            {
                if (BitConverter.ToUInt16(packet, 26) == 0)
                {
                    // No UDP checksum: the slow path keeps it absent.
                    return ProcessSlow(packet, length, ingress);
                }

                key = NatTable.Udp;
            }
            else if (protocol == IPv4Packet.ProtocolTcp)
            {
                // SYN, FIN and RST change TCP state, and a segment without ACK carries no
                // acknowledgment to track: slow path.
                if ((packet[33] & 0x17) != 0x10)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                key = NatTable.Tcp;
            }
            else
            {
                return ProcessFastTunnel(packet, length, ingress, protocol);
            }

            if (ingress == Side.Lan)
            {
                // The source must be in the LAN subnet; its last byte is the host.
                uint source = BitConverter.ToUInt32(packet, 12);
                if ((source & _lanMaskWire) != _lanNetworkWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                int host = (int)(source >> 24);
                key |= BitConverter.ToUInt16(packet, 20) | (source & 0xFF000000);
                uint remote = BitConverter.ToUInt32(packet, 16);
                if (remote == _wanWire)
                {
                    // To the WAN address: hairpinned back into the LAN, which the slow path does.
                    return ProcessSlow(packet, length, ingress);
                }

                e = _outHead[(int)((key * _hashMultiplier) >> _hashShift)];
                while (true)
                {
                    if (e == NoIndex)
                    {
                        return ProcessSlow(packet, length, ingress);
                    }

                    inside = _inside[e];
                    if ((inside & KeyMask) == key && _remote[e] == remote)
                    {
                        break;
                    }

                    e = _outNext[e];
                }

                _seen[e] = _now;
                Translate(packet, 0, 20, length, e, host, Translator.Outbound, 0);
                _egress = Side.Wan;
            }
            else
            {
                uint port = BitConverter.ToUInt16(packet, 22);
                uint remote = BitConverter.ToUInt32(packet, 12);
                if (BitConverter.ToUInt32(packet, 16) != _wanWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                e = _inHead[(int)(((port | key) * _hashMultiplier) >> _hashShift)];
                while (true)
                {
                    if (e == NoIndex)
                    {
                        return ProcessSlow(packet, length, ingress);
                    }

                    inside = _inside[e];
                    if (_outside[e] == port && _remote[e] == remote && (inside & (NatTable.ProtocolMask | NatTable.SlowFlag)) == key)
                    {
                        break;
                    }

                    e = _inNext[e];
                }

                _seen[e] = _now;
                Translate(packet, 0, 20, length, e, (int)(inside >> 24), Translator.Inbound, 0);
                _egress = Side.Lan;
            }

            if (protocol == IPv4Packet.ProtocolTcp)
            {
                // The sender's acknowledgment number (wire form, as read: its RCV.NXT) and its window's
                // high byte, against which the slow path checks a later RST or FIN from the other side
                // (NatTable.TcpAck, TcpWindow).
                if (_flows != null)
                {
                    _flows.TcpTracking(e); // a segment of an offloaded session the native path missed
                }

                int sender = (e << 1) | (int)ingress;
                _tcpAck[sender] = BitConverter.ToUInt32(packet, 28);
                _tcpWindow[sender] = packet[34];
            }

            if (_flows != null)
            {
                _flows.SessionForwarded(e, ingress == Side.Wan);
            }

            return Verdict.Forward;
        }

        /// <summary>Fast path for ICMP echo, ESP on a known SPI and GRE on a known mapping; anything else goes slow.</summary>
        private Verdict ProcessFastTunnel(byte[] packet, int length, Side ingress, int protocol)
        {
            int e;
            if (protocol == IPv4Packet.ProtocolEsp)
            {
                if (!_ruleEnabled[EspIndex])
                {
                    return ProcessSlow(packet, length, ingress);
                }

                uint spi = BitConverter.ToUInt32(packet, 20);
                if (ingress == Side.Lan)
                {
                    uint source = BitConverter.ToUInt32(packet, 12);
                    if ((source & _lanMaskWire) != _lanNetworkWire)
                    {
                        return ProcessSlow(packet, length, ingress);
                    }

                    int host = (int)(source >> 24);
                    uint peer = BitConverter.ToUInt32(packet, 16);
                    e = _espPeerHead[(int)((peer * _espHashMultiplier) >> _espHashShift)];
                    while (true)
                    {
                        if (e == NoIndex)
                        {
                            return ProcessSlow(packet, length, ingress);
                        }

                        if (_espOutId[e] == spi && _espPeer[e] == peer && _espHost[e] == host)
                        {
                            break;
                        }

                        e = _espPeerNext[e];
                    }

                    _espSeen[e] = _now;
                    _translator.RewriteAddress(packet, 0, host, Translator.Outbound, 0);
                    _ruleOut[EspIndex]++;
                    _vpnOut[_espRow[e]]++;
                    _egress = Side.Wan;
                }
                else
                {
                    uint peer = BitConverter.ToUInt32(packet, 12);
                    e = _espInHead[(int)((spi * _espHashMultiplier) >> _espHashShift)];
                    while (true)
                    {
                        if (e == NoIndex)
                        {
                            return ProcessSlow(packet, length, ingress);
                        }

                        if (_espInId[e] == spi && _espPeer[e] == peer)
                        {
                            break;
                        }

                        e = _espInNext[e];
                    }

                    if (BitConverter.ToUInt32(packet, 16) != _wanWire)
                    {
                        return ProcessSlow(packet, length, ingress);
                    }

                    _espSeen[e] = _now;
                    _translator.RewriteAddress(packet, 0, _espHost[e], Translator.Inbound, 0);
                    _ruleIn[EspIndex]++;
                    _vpnIn[_espRow[e]]++;
                    _egress = Side.Lan;
                }

                if (_flows != null)
                {
                    _flows.TunnelForwarded(FlowInstaller.Esp, e);
                }

                return Verdict.Forward;
            }

            if (protocol == IPv4Packet.ProtocolGre)
            {
                return ProcessFastGre(packet, length, ingress);
            }

            if (protocol != IPv4Packet.ProtocolIcmp)
            {
                return ProcessSlow(packet, length, ingress);
            }

            // ICMP echo: the identifier plays the port; the ICMP checksum has no pseudo-header, so
            // it changes only when the identifier is remapped.
            uint inside;
            uint id = BitConverter.ToUInt16(packet, 24);
            if (ingress == Side.Lan)
            {
                if (packet[20] != IcmpPacket.TypeEchoRequest)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                uint source = BitConverter.ToUInt32(packet, 12);
                if ((source & _lanMaskWire) != _lanNetworkWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                int host = (int)(source >> 24);
                uint key = id | (source & 0xFF000000) | NatTable.Icmp;
                uint remote = BitConverter.ToUInt32(packet, 16);
                e = _outHead[(int)((key * _hashMultiplier) >> _hashShift)];
                while (true)
                {
                    if (e == NoIndex)
                    {
                        return ProcessSlow(packet, length, ingress);
                    }

                    inside = _inside[e];
                    if ((inside & KeyMask) == key && _remote[e] == remote)
                    {
                        break;
                    }

                    e = _outNext[e];
                }

                _seen[e] = _now;
                Translate(packet, 0, 20, length, e, host, Translator.Outbound, 0);
                _egress = Side.Wan;
            }
            else
            {
                if (packet[20] != IcmpPacket.TypeEchoReply)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                uint remote = BitConverter.ToUInt32(packet, 12);
                e = _inHead[(int)(((id | NatTable.Icmp) * _hashMultiplier) >> _hashShift)];
                while (true)
                {
                    if (e == NoIndex)
                    {
                        return ProcessSlow(packet, length, ingress);
                    }

                    inside = _inside[e];
                    if (_outside[e] == id && _remote[e] == remote && (inside & (NatTable.ProtocolMask | NatTable.SlowFlag)) == NatTable.Icmp)
                    {
                        break;
                    }

                    e = _inNext[e];
                }

                if (BitConverter.ToUInt32(packet, 16) != _wanWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                _seen[e] = _now;
                Translate(packet, 0, 20, length, e, (int)(inside >> 24), Translator.Inbound, 0);
                _egress = Side.Lan;
            }

            if (_flows != null)
            {
                _flows.SessionForwarded(e, ingress == Side.Wan);
            }

            return Verdict.Forward;
        }

        /// <summary>
        /// Fast path for plain GRE (version 0; C and S allowed, R, s and Recur must be 0, as TryParse
        /// asks) on a known mapping: LAN to WAN by (host, peer, outbound key) or the peer's keyless
        /// owner, WAN to LAN by (peer, learned inbound key) or the keyless owner. Keys are never
        /// rewritten. An inbound key not learned yet, another host's key or a new tunnel go slow,
        /// where they are bound, dropped or mapped.
        /// </summary>
        private Verdict ProcessFastPlainGre(byte[] packet, int length, Side ingress)
        {
            int flags = packet[20] & 0x6F; // K and the bits a receiver rejects (R, s, Recur)
            if (!_ruleEnabled[GreIndex] || (flags & 0x4F) != 0)
            {
                return ProcessSlow(packet, length, ingress);
            }

            // Keyed: flags is K (0x20), and K >> 3 is TunnelTable.FlagOutbound, the mapping's "keyed"
            // flag; the key follows the checksum field when C is set.
            int keyed = flags >> 3;
            uint key = keyed != 0 ? BitConverter.ToUInt32(packet, 24 + ((packet[20] >> 5) & 4)) : 0;
            int e;
            if (ingress == Side.Lan)
            {
                uint source = BitConverter.ToUInt32(packet, 12);
                if ((source & _lanMaskWire) != _lanNetworkWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                int host = (int)(source >> 24);
                uint peer = BitConverter.ToUInt32(packet, 16);
                e = _grePeerHead[(int)((peer * _greHashMultiplier) >> _greHashShift)];
                while (true)
                {
                    if (e == NoIndex)
                    {
                        return ProcessSlow(packet, length, ingress);
                    }

                    if (_greOutId[e] == key && _grePeer[e] == peer && (_greFlags[e] & TunnelTable.FlagOutbound) == keyed)
                    {
                        break;
                    }

                    e = _grePeerNext[e];
                }

                if (_greHost[e] != host)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                _greSeen[e] = _now;
                _translator.RewriteAddress(packet, 0, host, Translator.Outbound, 0);
                _ruleOut[GreIndex]++;
                _vpnOut[_greRow[e]]++;
                _egress = Side.Wan;
            }
            else
            {
                uint peer = BitConverter.ToUInt32(packet, 12);
                if (keyed != 0)
                {
                    e = _greInHead[(int)((key * _greHashMultiplier) >> _greHashShift)];
                    while (true)
                    {
                        if (e == NoIndex)
                        {
                            return ProcessSlow(packet, length, ingress);
                        }

                        if (_greInId[e] == key && _grePeer[e] == peer)
                        {
                            break;
                        }

                        e = _greInNext[e];
                    }
                }
                else
                {
                    e = _grePeerHead[(int)((peer * _greHashMultiplier) >> _greHashShift)];
                    while (true)
                    {
                        if (e == NoIndex)
                        {
                            return ProcessSlow(packet, length, ingress);
                        }

                        if (_grePeer[e] == peer && (_greFlags[e] & TunnelTable.FlagOutbound) == 0)
                        {
                            break;
                        }

                        e = _grePeerNext[e];
                    }
                }

                if (BitConverter.ToUInt32(packet, 16) != _wanWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                _greSeen[e] = _now;
                _translator.RewriteAddress(packet, 0, _greHost[e], Translator.Inbound, 0);
                _ruleIn[GreIndex]++;
                _vpnIn[_greRow[e]]++;
                _egress = Side.Lan;
            }

            return Verdict.Forward;
        }

        /// <summary>
        /// Fast path for PPTP's enhanced GRE (version 1, K set, no checksum or routing) on an
        /// established call: LAN to WAN the Call ID is the server's and only the source changes;
        /// WAN to LAN our external Call ID goes back to the client's own (GRE v1 has no checksum).
        /// </summary>
        private Verdict ProcessFastGre(byte[] packet, int length, Side ingress)
        {
            if (!_ruleEnabled[PptpIndex] || (packet[20] & 0xEF) != 0x20 || (packet[21] & 0x7F) != 1)
            {
                // Version 0 is plain GRE (checked here so that PPTP's GRE pays nothing for it).
                return (packet[21] & 7) == 0 ? ProcessFastPlainGre(packet, length, ingress) : ProcessSlow(packet, length, ingress);
            }

            int callId = (packet[26] << 8) | packet[27];
            if (ingress == Side.Lan)
            {
                uint source = BitConverter.ToUInt32(packet, 12);
                if ((source & _lanMaskWire) != _lanNetworkWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                int host = (int)(source >> 24);
                if (!_pptp.FastOutboundGre(host, BitConverter.ToUInt32(packet, 16), callId, _seconds))
                {
                    return ProcessSlow(packet, length, ingress);
                }

                _translator.RewriteAddress(packet, 0, host, Translator.Outbound, 0);
                _ruleOut[PptpIndex]++;
                _egress = Side.Wan;
            }
            else
            {
                if (BitConverter.ToUInt32(packet, 16) != _wanWire)
                {
                    return ProcessSlow(packet, length, ingress);
                }

                int found = _pptp.FastInboundGre(BitConverter.ToUInt32(packet, 12), callId, _seconds);
                if (found < 0)
                {
                    return ProcessSlow(packet, length, ingress);
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
    }
}
