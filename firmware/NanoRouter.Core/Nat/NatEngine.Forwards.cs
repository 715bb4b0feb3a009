using System;
using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// Port forwarding (DNAT): a packet from the WAN to the WAN address and a rule's external port
    /// that matches no session opens one to the rule's LAN host and port, an ordinary NAT entry
    /// marked <see cref="NatTable.ForwardedFlag"/>, so everything after it (replies, the established path,
    /// ICMP errors both ways, TCP tracking, expiry) is the NAT's usual work. A LAN host that sends
    /// to the WAN address and such a port is hairpinned to the rule's host, with the sender's own
    /// mapping as the source, so the replies come back through the router.
    /// <para>
    /// The rules are looked up only for WAN packets (and hairpinned LAN packets) that miss the NAT
    /// table, at most <see cref="PortForwards.Capacity"/> compares, and by the port allocator, which
    /// never hands out a rule's external port. A rule switched off refuses: its packets are dropped
    /// (<see cref="DropReason.ForwardOff"/>) and counted per rule, with no RST or ICMP answer, as a
    /// port nobody forwards. The admin thread hands new rules over with <see cref="SetForwards"/>;
    /// the packet thread takes them at its next <see cref="Tick"/> and ends the forwarded sessions of
    /// rules that are gone, changed or switched off.
    /// </para>
    /// </summary>
    public sealed partial class NatEngine
    {
        private readonly object _forwardSync = new object();
        private readonly PortForwards _pendingForwards = new PortForwards();
        private readonly PortForwards _forwards = new PortForwards();
        private readonly PortForwards _previousForwards = new PortForwards();
        private readonly uint[] _forwardMatch = new uint[PortForwards.Capacity];
        private readonly uint[] _forwardInside = new uint[PortForwards.Capacity];
        private readonly int[] _forwardFlows = new int[PortForwards.Capacity];
        private readonly int[] _forwardRefused = new int[PortForwards.Capacity];
        private int _forwardCount;
        private int _forwardsVersion;
        private int _forwardsApplied;

        /// <summary>The rules in force (read-only use: the admin page and API, tests).</summary>
        public PortForwards Forwards => _forwards;

        /// <summary>Sessions rule <paramref name="rule"/> of <see cref="Forwards"/> opened.</summary>
        public int ForwardFlows(int rule) => _forwardFlows[rule];

        /// <summary>Packets rule <paramref name="rule"/> of <see cref="Forwards"/> refused while switched off.</summary>
        public int ForwardRefused(int rule) => _forwardRefused[rule];

        /// <summary>
        /// Hands over new rules (from any thread; checked first with <see cref="CheckForwards"/>). The
        /// packet thread takes them at its next <see cref="Tick"/>.
        /// </summary>
        public void SetForwards(PortForwards rules)
        {
            lock (_forwardSync)
            {
                _pendingForwards.CopyFrom(rules);
                _forwardsVersion++;
            }
        }

        /// <summary>
        /// Why the rules cannot be put in force, or null: <see cref="PortForwards.Validate"/>, then a
        /// live mapping of another LAN host or port that holds a rule's external port (wait until it
        /// expires, or take another port). Called on the admin thread; the table may change meanwhile,
        /// which at worst lets a mapping made in that instant keep its port until it expires.
        /// </summary>
        /// <param name="rules">The rules to check.</param>
        /// <param name="badRule">The first rule at fault, or -1.</param>
        public string CheckForwards(PortForwards rules, out int badRule)
        {
            string problem = rules.Validate(_options, out badRule);
            if (problem != null)
            {
                return problem;
            }

            for (int i = 0; i < rules.Count; i++)
            {
                uint code = rules.Protocol[i] == PortForwards.ProtocolUdp ? NatTable.Udp : NatTable.Tcp;
                uint externalWire = Wire16(rules.ExternalPort[i]);
                uint target = Wire16(rules.Port[i]) | ((rules.Host[i] & 0xFF) << NatTable.HostShift) | code;
                if (_table.IsExternalPortTaken(externalWire, code, target))
                {
                    badRule = i;
                    return "A live mapping holds " + PortForwards.ProtocolName(rules.Protocol[i]) + " port " + rules.ExternalPort[i].ToString()
                        + " now: try again when it has expired, or use another port.";
                }
            }

            badRule = -1;
            return null;
        }

        /// <summary>At a tick: puts rules handed over by <see cref="SetForwards"/> in force (a rule that
        /// stays at its place with the same target keeps its counters, switched or not).</summary>
        private void ApplyForwards()
        {
            _previousForwards.CopyFrom(_forwards);
            lock (_forwardSync)
            {
                _forwards.CopyFrom(_pendingForwards);
                _forwardsApplied = _forwardsVersion;
            }

            _forwardCount = _forwards.Count;
            for (int i = 0; i < PortForwards.Capacity; i++)
            {
                if (i >= _forwardCount || i >= _previousForwards.Count || !_forwards.SameTarget(i, _previousForwards, i))
                {
                    _forwardFlows[i] = 0;
                    _forwardRefused[i] = 0;
                }

                if (i >= _forwardCount)
                {
                    _forwardMatch[i] = 0;
                    _forwardInside[i] = 0;
                    continue;
                }

                uint code = _forwards.Protocol[i] == PortForwards.ProtocolUdp ? NatTable.Udp : NatTable.Tcp;
                uint externalWire = Wire16(_forwards.ExternalPort[i]);
                uint portWire = Wire16(_forwards.Port[i]);
                _forwardMatch[i] = externalWire | code;
                _forwardInside[i] = portWire | ((_forwards.Host[i] & 0xFF) << NatTable.HostShift) | code | NatTable.ForwardedFlag
                    | (portWire != externalWire ? NatTable.RemappedFlag : 0);
            }

            // Forwarded sessions of a rule that is gone, changed or off end now.
            for (int e = 0; e < _inside.Length; e++)
            {
                uint inside = _inside[e];
                if ((inside & (NatTable.FullPathFlag | NatTable.ForwardedFlag)) == NatTable.ForwardedFlag && !IsLiveForward(inside, _outside[e]))
                {
                    _table.Remove(e);
                }
            }
        }

        private bool IsLiveForward(uint inside, uint externalWire)
        {
            uint match = externalWire | (inside & NatTable.ProtocolMask);
            uint target = inside & NatTable.MappingMask;
            for (int i = 0; i < _forwardCount; i++)
            {
                if (_forwardMatch[i] == match && (_forwardInside[i] & NatTable.MappingMask) == target)
                {
                    return _forwards.Enabled[i];
                }
            }

            return false;
        }

        /// <summary>The rule on an external port (wire form) and protocol code, or -1.</summary>
        private int FindForward(uint code, uint externalWire)
        {
            uint match = externalWire | code;
            for (int i = 0; i < _forwardCount; i++)
            {
                if (_forwardMatch[i] == match)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Whether the allocator must leave a port alone: a rule's external port, unless the
        /// new mapping is that rule's own target (the host's port already leaves on it).</summary>
        private bool IsForwardPort(uint code, uint portWire, uint key)
        {
            uint match = portWire | code;
            for (int i = 0; i < _forwardCount; i++)
            {
                if (_forwardMatch[i] == match && (_forwardInside[i] & NatTable.MappingMask) != (key & NatTable.MappingMask))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A WAN packet to a rule's external port that no session took: a switched-off rule refuses
        /// it; a TCP segment that is not a SYN is a stray; else a session to the rule's host opens.
        /// The remote is <paramref name="remoteWire"/> at <paramref name="remotePortWire"/> (for a
        /// hairpin, the WAN address and the sender's external port).
        /// </summary>
        /// <returns>The new session, or <see cref="NoIndex"/> after counting the drop.</returns>
        private int OpenForward(int rule, byte[] p, IPv4Packet ip, uint remoteWire, uint remotePortWire)
        {
            if (!_forwards.Enabled[rule])
            {
                _forwardRefused[rule]++;
                Drop(DropReason.ForwardOff);
                return NoIndex;
            }

            int l4 = ip.HeaderLength;
            uint inside = _forwardInside[rule];
            if ((inside & NatTable.ProtocolMask) == NatTable.Tcp
                && (p[l4 + TcpSegment.FlagsOffset] & (TcpSegment.FlagSyn | TcpSegment.FlagAck | TcpSegment.FlagRst)) != TcpSegment.FlagSyn)
            {
                Drop(DropReason.NoMapping);
                return NoIndex;
            }

            int host = (int)(inside >> NatTable.HostShift);
            int owner = _table.OwnerOf(1, (ushort)host);
            DropReason room = _table.MakeRoom(owner, _quota, _now, MinEvictIdleSec, _udpSec, _tcpEstablishedSec, _tcpTransitorySec, _icmpSec);
            if (room != DropReason.None)
            {
                Drop(room);
                return NoIndex;
            }

            int e = _table.Add(inside, remoteWire, (ushort)remotePortWire, (ushort)(_forwardMatch[rule] & 0xFFFF), _now, owner);
            if (e == NoIndex)
            {
                Drop(DropReason.TableFull);
                return NoIndex;
            }

            _forwardFlows[rule]++;
            return e;
        }

        /// <summary>
        /// TCP tracking of a SYN on a forwarded session, where the remote opens and the LAN host
        /// answers (the mirror of an outbound session): the remote's SYN offers its window scale and
        /// tells what the LAN host will acknowledge; the LAN host's SYN-ACK settles the scaling (in
        /// force when both offered it) and makes the session established.
        /// </summary>
        private void TrackForwardedSyn(int e, int flags, bool outbound, bool scaled, int shift, uint synAfter)
        {
            if (!outbound && (flags & TcpSegment.FlagAck) == 0)
            {
                _table.TcpScale[e] = (byte)(scaled ? shift + 1 : 0);
                _tcpAck[e << 1] = synAfter;
            }
            else if (outbound && (flags & TcpSegment.FlagAck) != 0)
            {
                int offered = _table.TcpScale[e] & 0x0F;
                _table.TcpScale[e] = (byte)(offered != 0 && scaled ? shift | ((offered - 1) << 4) : 0);
                _tcpAck[(e << 1) | 1] = synAfter;
                _table.SetState(e, NatTable.StateEstablished);
            }
        }

        /// <summary>A port number in wire form (the value BitConverter reads from its two bytes).</summary>
        private static uint Wire16(int port) => (uint)(((port & 0xFF) << 8) | ((port >> 8) & 0xFF));
    }
}
