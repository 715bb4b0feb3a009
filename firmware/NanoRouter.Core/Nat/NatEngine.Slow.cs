using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>The slow path: full validation, session creation, TCP state, MSS clamping, ICMP
    /// errors, fragments and hairpinning.
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
        private const int ReservedDhcpServer = 67;
        private const int ReservedDhcpClient = 68;
        private const int PortProbeLimit = 1024;

        /// <summary>Validates the packet fully, then translates it or decides Local or Drop.</summary>
        private Verdict ProcessSlow(byte[] p, int length, Side ingress)
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
                return SlowOutbound(p, ip);
            }

            return SlowInbound(p, ip);
        }

        private Verdict SlowOutbound(byte[] p, IPv4Packet ip)
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

        private Verdict SlowInbound(byte[] p, IPv4Packet ip)
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
            uint key = lanWire | ((uint)host << NatTable.HostShift) | code | (special ? NatTable.SlowFlag : 0);
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

        /// <summary>Creates a session, reusing the mapping's external port (endpoint-independent
        /// mapping) or allocating one with port preservation.</summary>
        /// <returns>The entry, or <see cref="NoIndex"/> after counting the drop.</returns>
        private int CreateSession(byte[] p, uint key, uint extra, uint remoteWire, uint remotePortWire, int host)
        {
            uint code = key & NatTable.ProtocolMask;
            int mapping = _table.FindMapping(key);
            uint external;
            if (mapping != NoIndex)
            {
                external = _outside[mapping];
            }
            else if (!AllocateExternal(key, out external))
            {
                Drop(DropReason.PortsExhausted);
                return NoIndex;
            }

            int owner = OwnerOf(p, host);
            DropReason room = _table.MakeRoom(owner, _quota, _now, MinEvictIdleSec, _udpSec, _tcpEstablishedSec, _tcpTransitorySec, _icmpSec);
            if (room != DropReason.None)
            {
                Drop(room);
                return NoIndex;
            }

            uint inside = key | extra | (external != (key & 0xFFFF) ? NatTable.RemappedFlag : 0) | (code == NatTable.Tcp ? NatTable.StateSynSent : 0);
            int e = _table.Add(inside, remoteWire, (ushort)remotePortWire, (ushort)external, _now, owner);
            if (e == NoIndex)
            {
                Drop(DropReason.TableFull);
            }

            return e;
        }

        /// <summary>
        /// Who a new session from LAN host <paramref name="host"/> is charged to (NatTable.OwnerOf):
        /// the link-layer sender of the packet, when the packet port put its address after the packet
        /// (<see cref="LinkSourceAfterPacket"/>), else, as for an all-zero address, the LAN host
        /// itself (a pseudo-address with the group bit set, which no real sender has).
        /// </summary>
        private int OwnerOf(byte[] p, int host)
        {
            int at = _packetLength;
            if (_linkSourceAfterPacket && at + LinkSourceLength <= p.Length)
            {
                uint high = BitConverter.ToUInt32(p, at);
                ushort low = BitConverter.ToUInt16(p, at + 4);
                if ((high | low) != 0)
                {
                    return _table.OwnerOf(high, low);
                }
            }

            return _table.OwnerOf(1, (ushort)host);
        }

        /// <summary>
        /// Picks the external port (or echo identifier) of a new mapping: the LAN port itself when it
        /// is free (port preservation), else another from the same range: ports below 1024 map within
        /// 1-1023 (never dropped), others within the configured range. UDP 67/68 stay the router's.
        /// </summary>
        private bool AllocateExternal(uint key, out uint external)
        {
            uint code = key & NatTable.ProtocolMask;
            uint lanWire = key & 0xFFFF;
            int lanPort = (int)(((lanWire & 0xFF) << 8) | (lanWire >> 8));
            int low;
            int high;
            if (code == NatTable.Icmp)
            {
                low = 1;
                high = 65535;
            }
            else if (lanPort < 1024)
            {
                low = 1;
                high = 1023;
            }
            else
            {
                low = _options.PortRangeStart < 1024 ? 1024 : _options.PortRangeStart;
                high = _options.PortRangeEnd > 65535 || _options.PortRangeEnd < low ? 65535 : _options.PortRangeEnd;
            }

            // The LAN port itself when it is free (port preservation); the VPN ports (UDP 500, 4500,
            // 1701) even when the board's range leaves them out (the ESP32's starts at 10000), since
            // some IKE and L2TP servers expect them.
            bool vpnPort = code == NatTable.Udp && (lanPort == 500 || lanPort == 4500 || lanPort == 1701);
            if (((lanPort >= low && lanPort <= high) || vpnPort) && IsAllocatable(code, lanPort, key))
            {
                external = lanWire;
                return true;
            }

            int span = high - low + 1;
            _portCursor = (int)((uint)(_portCursor + (lanPort * 40503) + 1) % (uint)span);
            int tries = span < PortProbeLimit ? span : PortProbeLimit;
            for (int i = 0; i < tries; i++)
            {
                int port = low + ((_portCursor + i) % span);
                if (IsAllocatable(code, port, key))
                {
                    external = (uint)(((port & 0xFF) << 8) | (port >> 8));
                    return true;
                }
            }

            if (low == 1 && high == 1023)
            {
                // Every port below 1024 is taken: never drop, use the high range instead.
                return AllocateFrom(key, code, _options.PortRangeStart < 1024 ? 1024 : _options.PortRangeStart, _options.PortRangeEnd > 65535 || _options.PortRangeEnd < 1024 ? 65535 : _options.PortRangeEnd, out external);
            }

            external = 0;
            return false;
        }

        private bool AllocateFrom(uint key, uint code, int low, int high, out uint external)
        {
            int span = high - low + 1;
            _portCursor = (int)((uint)(_portCursor + 1) % (uint)span);
            int tries = span < PortProbeLimit ? span : PortProbeLimit;
            for (int i = 0; i < tries; i++)
            {
                int port = low + ((_portCursor + i) % span);
                if (IsAllocatable(code, port, key))
                {
                    external = (uint)(((port & 0xFF) << 8) | (port >> 8));
                    return true;
                }
            }

            external = 0;
            return false;
        }

        private bool IsAllocatable(uint code, int port, uint key)
        {
            if (code == NatTable.Udp && (port == ReservedDhcpServer || port == ReservedDhcpClient))
            {
                return false;
            }

            uint wire = (uint)(((port & 0xFF) << 8) | (port >> 8));
            return !_table.IsExternalPortTaken(wire, code, key) && (_forwardCount == 0 || !IsForwardPort(code, wire, key));
        }

        /// <summary>
        /// Follows TCP state (RFC 5382 timeouts: established vs transitory) and the sequence tracking
        /// behind it, for a segment of session <paramref name="e"/> before translation. A SYN from the
        /// LAN host starts a connection (also on a closing session: the same ports again); the remote's
        /// SYN answers it (established). A RST or FIN makes an established session closing only when
        /// the receiver would accept it (<see cref="IsCloseAcceptable"/>): a blind attacker's guess
        /// is forwarded (the endpoint decides) and changes nothing. Every segment with ACK records that
        /// side's acknowledgment number (<see cref="NatTable.TcpAck"/>), as the fast path does.
        /// </summary>
        private void TrackTcp(int e, byte[] p, IPv4Packet ip, int flags, bool outbound)
        {
            if (_flows != null)
            {
                _flows.TcpTracking(e);
            }

            int l4 = ip.HeaderLength;
            int sender = outbound ? 0 : 1;
            uint state = _inside[e] & NatTable.StateMask;
            if ((flags & (TcpSegment.FlagFin | TcpSegment.FlagRst)) != 0)
            {
                if (state == NatTable.StateEstablished)
                {
                    if (!IsCloseAcceptable(e, p, ip, flags, sender))
                    {
                        _tcpCloseIgnored++;
                        return;
                    }

                    _table.SetState(e, NatTable.StateClosing);
                }

                return;
            }

            if ((flags & TcpSegment.FlagSyn) != 0 && state != NatTable.StateEstablished)
            {
                // (A SYN on an established session, a retransmission or a stray, changes nothing.)
                if (state == NatTable.StateClosing)
                {
                    // A new connection on the same ports after the old one closed.
                    _table.SetState(e, NatTable.StateSynSent);
                    state = NatTable.StateSynSent;
                }

                TcpSegment syn;
                int shift = 0;
                bool scaled = TcpSegment.TryParse(p, l4, ip.TotalLength - l4, out syn) == WireStatus.Ok && syn.TryGetWindowScale(out shift);

                uint synAfter = SwapAddress(NetworkOrder.ReadUInt32(p, l4 + TcpSegment.SequenceNumberOffset) + 1);
                if ((_inside[e] & (NatTable.SlowFlag | NatTable.ForwardedFlag)) == NatTable.ForwardedFlag)
                {
                    // Opened from the WAN by a port forward: the roles of the SYNs are swapped.
                    TrackForwardedSyn(e, flags, outbound, scaled, shift, synAfter);
                }
                else if (outbound && (flags & TcpSegment.FlagAck) == 0)
                {
                    // The LAN host's SYN: its offer, and what the remote will acknowledge.
                    _table.TcpScale[e] = (byte)(scaled ? shift + 1 : 0);
                    _tcpAck[(e << 1) | 1] = synAfter;
                }
                else if (!outbound && state == NatTable.StateSynSent)
                {
                    // The remote's SYN: scaling is in force when both offered it (RFC 7323 section 1.3);
                    // the LAN host will acknowledge the remote's ISN + 1.
                    int offered = _table.TcpScale[e] & 0x0F;
                    _table.TcpScale[e] = (byte)(offered != 0 && scaled ? (offered - 1) | (shift << 4) : 0);
                    _tcpAck[e << 1] = synAfter;
                    _table.SetState(e, NatTable.StateEstablished);
                }
            }

            _tcpWindow[(e << 1) | sender] = p[l4 + TcpSegment.WindowOffset];
            if ((flags & TcpSegment.FlagAck) != 0)
            {
                _tcpAck[(e << 1) | sender] = BitConverter.ToUInt32(p, l4 + TcpSegment.AcknowledgmentNumberOffset);
            }
        }

        /// <summary>
        /// Whether the receiver of a RST or FIN from <paramref name="sender"/> would accept it, from
        /// what the session tracked (RFC 5961; the exact-match RST of Linux conntrack since 5.17):
        /// a RST when its sequence number is exactly the receiver's RCV.NXT (an in-window one gets a
        /// challenge ACK, the connection lives on); a FIN when it has ACK, its segment reaches RCV.NXT
        /// and starts within the receiver's last advertised window (<see cref="WindowBound"/>), and its
        /// acknowledgment lies within the sender's own window of the sender's last one (RFC 5961
        /// section 5: the receiver cannot have more unacknowledged bytes in flight than that window let
        /// it send).
        /// </summary>
        private bool IsCloseAcceptable(int e, byte[] p, IPv4Packet ip, int flags, int sender)
        {
            int l4 = ip.HeaderLength;
            int receiver = sender ^ 1;
            int offset = (int)(NetworkOrder.ReadUInt32(p, l4 + TcpSegment.SequenceNumberOffset) - SwapAddress(_tcpAck[(e << 1) | receiver]));
            if ((flags & TcpSegment.FlagRst) != 0)
            {
                return offset == 0;
            }

            if ((flags & TcpSegment.FlagAck) == 0)
            {
                return false;
            }

            int payload = ip.TotalLength - l4 - ((p[l4 + TcpSegment.DataOffsetOffset] >> 4) << 2);
            if (offset + payload < 0 || offset > WindowBound(e, receiver))
            {
                return false;
            }

            int acked = (int)(NetworkOrder.ReadUInt32(p, l4 + TcpSegment.AcknowledgmentNumberOffset) - SwapAddress(_tcpAck[(e << 1) | sender]));
            int senderWindow = WindowBound(e, sender);
            return acked >= -senderWindow && acked <= senderWindow;
        }

        /// <summary>An upper bound of the receive window <paramref name="side"/> last advertised, in
        /// bytes: (its high byte + 1) * 256, shifted by the side's window scale (at most 2^30).</summary>
        private int WindowBound(int e, int side)
        {
            int scale = _table.TcpScale[e];
            return (_tcpWindow[(e << 1) | side] + 1) << (8 + (side == 0 ? scale & 0x0F : scale >> 4));
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

        /// <summary>The LAN host of session <paramref name="e"/>.</summary>
        private int HostOf(int e) => (int)(_inside[e] >> NatTable.HostShift);

        /// <summary>The IP protocol of a session's table code (TCP, UDP or ICMP echo).</summary>
        private static byte TransportProtocolOf(uint inside)
        {
            uint code = inside & NatTable.ProtocolMask;
            return code == NatTable.Tcp ? IPv4Packet.ProtocolTcp : (code == NatTable.Udp ? IPv4Packet.ProtocolUdp : IPv4Packet.ProtocolIcmp);
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
                    if ((anyInside & NatTable.SlowFlag) != 0)
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
            bool special = (inside & NatTable.SlowFlag) != 0;
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

        /// <summary>Whether a packet from the WAN to the WAN address is one the slow path hands to the
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

            // The ICMP checksum covers all of the above: recompute it (it was checked valid first).
            p[icmp + IcmpPacket.ChecksumOffset] = 0;
            p[icmp + IcmpPacket.ChecksumOffset + 1] = 0;
            NetworkOrder.WriteUInt16(p, icmp + IcmpPacket.ChecksumOffset, InternetChecksum.Compute(p, icmp, end - icmp));
            VpnIcmpError(p, icmp, quotedL4, protocol, quotedInside, host, remoteWire);
            _translator.RewriteAddress(p, 0, host, Translator.Inbound, 0);
            _icmpErrorsTranslated++;
            return Forward(Side.Lan);
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
                    e = _table.FindOutbound(key | NatTable.SlowFlag, remoteWire);
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

            p[icmp + IcmpPacket.ChecksumOffset] = 0;
            p[icmp + IcmpPacket.ChecksumOffset + 1] = 0;
            NetworkOrder.WriteUInt16(p, icmp + IcmpPacket.ChecksumOffset, InternetChecksum.Compute(p, icmp, end - icmp));
            _translator.RewriteAddress(p, 0, host, Translator.Outbound, 0);
            _icmpErrorsTranslated++;
            return Forward(Side.Wan);
        }

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

        /// <summary>The passthrough rule of a slow-path session, from its rule bits (IKE, NAT-T, L2TP, PPTP as 0-3).</summary>
        private static PassthroughProtocol RuleOf(uint inside)
        {
            return (PassthroughProtocol)(((inside & NatTable.RuleMask) >> NatTable.RuleShift) + 1);
        }

        private Verdict Forward(Side egress)
        {
            _egress = egress;
            _forwarded++;
            return Verdict.Forward;
        }
    }
}
