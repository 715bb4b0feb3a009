using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// Sessions (TCP, UDP, ICMP echo): the established lookup both directions share, creating one
    /// (the owner, the per-host quota, the external port) and the port allocator, which keeps ports
    /// the router or a port forward uses.
    /// </summary>
    public sealed partial class NatEngine
    {
        private const int ReservedDhcpServer = 67;

        private const int ReservedDhcpClient = 68;

        private const int PortProbeLimit = 1024;

        /// <summary>
        /// An established TCP, UDP or ICMP echo session, found by the table's own lookups (the
        /// outbound key, or the external port with the remote, skipping the sessions only the full
        /// path handles) and translated by the one translator. <paramref name="code"/> is the
        /// table's protocol code and <paramref name="idAt"/> where the packet's port (or echo
        /// identifier) on the LAN host's side is. A LAN source outside the subnet, a packet to the WAN
        /// address (a hairpin) or from the WAN to another address, and a session not found go to the
        /// full path.
        /// </summary>
        private Verdict EstablishedSession(byte[] packet, int length, Side ingress, uint code, int idAt)
        {
            int e;
            int host;
            if (ingress == Side.Lan)
            {
                // The source must be in the LAN subnet; its last byte (the top one in wire form) is the host.
                uint source = BitConverter.ToUInt32(packet, 12);
                uint remote = BitConverter.ToUInt32(packet, 16);
                if ((source & _lanMaskWire) != _lanNetworkWire || remote == _wanWire)
                {
                    return ProcessInFull(packet, length, ingress);
                }

                e = _table.FindOutbound(code | BitConverter.ToUInt16(packet, idAt) | (source & 0xFF000000), remote);
                if (e == NoIndex)
                {
                    return ProcessInFull(packet, length, ingress);
                }

                host = (int)(source >> 24);
            }
            else
            {
                e = BitConverter.ToUInt32(packet, 16) != _wanWire ? NoIndex : _table.FindEstablishedInbound(BitConverter.ToUInt16(packet, idAt), code, BitConverter.ToUInt32(packet, 12));
                if (e == NoIndex)
                {
                    return ProcessInFull(packet, length, ingress);
                }

                host = HostOf(e);
            }

            _seen[e] = _now;
            Translate(packet, 0, 20, length, e, host, ingress == Side.Lan ? Translator.Outbound : Translator.Inbound, 0);
            _egress = ingress == Side.Lan ? Side.Wan : Side.Lan;
            if (code == NatTable.Tcp)
            {
                // The sender's acknowledgment number (wire form, as read: its RCV.NXT) and its window's
                // high byte, against which the full path checks a later RST or FIN from the other side
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

            // The cursor moves by a step that depends on the LAN port, so hosts that ask in turn do not
            // probe the same ports.
            if (AllocateFrom(key, code, low, high, (lanPort * 40503) + 1, out external))
            {
                return true;
            }

            if (low == 1 && high == 1023)
            {
                // Every port below 1024 is taken: never drop, use the high range instead.
                return AllocateFrom(key, code, _options.PortRangeStart < 1024 ? 1024 : _options.PortRangeStart, _options.PortRangeEnd > 65535 || _options.PortRangeEnd < 1024 ? 65535 : _options.PortRangeEnd, 1, out external);
            }

            return false;
        }

        /// <summary>Probes at most <see cref="PortProbeLimit"/> ports of <paramref name="low"/>-<paramref name="high"/>
        /// from the cursor, moved first by <paramref name="step"/>, for one free for <paramref name="key"/>.</summary>
        private bool AllocateFrom(uint key, uint code, int low, int high, int step, out uint external)
        {
            int span = high - low + 1;
            _portCursor = (int)((uint)(_portCursor + step) % (uint)span);
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

        /// <summary>The LAN host of session <paramref name="e"/>.</summary>
        private int HostOf(int e) => (int)(_inside[e] >> NatTable.HostShift);

        /// <summary>The passthrough rule of a full-path session, from its rule bits (IKE, NAT-T, L2TP, PPTP as 0-3).</summary>
        private static PassthroughProtocol RuleOf(uint inside)
        {
            return (PassthroughProtocol)(((inside & NatTable.RuleMask) >> NatTable.RuleShift) + 1);
        }
    }
}
