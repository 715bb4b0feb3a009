using NanoRouter.Core.Nat;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Core.Flow
{
    /// <summary>
    /// Puts established flows into the native flow path (<see cref="IFlowPath"/>, dataplane/) and
    /// takes them out again; the managed engine stays the authority for every flow. A flow's life
    /// here, as in Linux's flowtable: the engine offers a flow each time it forwards one of its
    /// packets (<see cref="SessionForwarded"/>, <see cref="TunnelForwarded"/>,
    /// <see cref="SyncPptp"/>); the installer writes its <see cref="FlowSpec"/> into a free native
    /// slot when it is established; the tables' observer calls (<see cref="IEntryObserver"/>) take it
    /// out before its managed entry goes or changes; the engine's sweep reads the native last-seen
    /// stamps and counters back a slice at a time, so neither side scans its whole table per second.
    /// <para>
    /// What is offloaded, and why (everything else stays managed, packet by packet):
    /// </para>
    /// <list type="bullet">
    /// <item>TCP sessions in the established state, but PPTP control connections (TCP 1723: the
    /// tracker must read every segment) and hairpinned ones (to the router's own WAN address: two
    /// translations). SYN, FIN and RST segments always reach the managed engine (the native path
    /// hands them over), which judges them (only a RST or FIN in the receiver's window closes a
    /// session, issue 15) and takes the flow out when it leaves the established state.</item>
    /// <item>UDP and ICMP echo sessions once they have seen a reply and then one more packet (a lone
    /// DNS query and its answer never take a native slot), except IKE (UDP 500: the engine learns
    /// ESP from it, and it is a handful of packets). NAT-T (UDP 4500) sessions are offloaded with
    /// their remote port (the engine counts each datagram under the rule of its ports, 500 before
    /// 4500 before 1701, so the native entry takes only datagrams to and from the port the session
    /// was opened to; a datagram to remote port 500 on it goes managed and counts as IKE), and only
    /// once an ESP-in-UDP datagram was forwarded each way the engine saw (NatEngine.IsEspInUdp): the
    /// IKE exchange, keepalives and datagrams under 40 bytes stay managed, so the VPN page sees them.
    /// L2TP (UDP 1701) sessions stay managed: the VPN page follows their tunnel and call from the
    /// control messages, which share the data's 4-tuple.</item>
    /// <item>ESP mappings in the directions whose SPI is known, plain GRE mappings (by key, or
    /// keyless by peer), PPTP calls once the server accepted them; their native counters are
    /// added to their rule's.</item>
    /// </list>
    /// <para>
    /// Exactness: the packets the native path forwards are those the managed established path would
    /// forward, with the same bytes (the host board keeps the TTL for its kernel; the ESP32's native
    /// path takes one off as its TX path does). Stamps and counters come back before every
    /// managed decision that reads them: expiry (the sweep), eviction (the NAT table's CLOCK hand),
    /// ESP learning and tunnel eviction, the PPTP tracker's expiry. Counters reach the rules within
    /// the sweep's second, and a removed flow's packets are counted from its final values, including
    /// packets the data thread forwarded while it was being removed (FlowSlots). A passthrough
    /// switch turned off takes the native entries of that rule out at the engine's next tick.
    /// </para>
    /// <para>
    /// Native slots are a board's choice (<see cref="IFlowPath.Capacity"/>): when every slot is
    /// taken a flow simply stays managed; when more than three quarters are taken, flows idle for
    /// <see cref="IdleUninstallSeconds"/> give their slot back (and come back on their next packet).
    /// </para>
    /// </summary>
    public sealed class FlowInstaller : IEntryObserver
    {
        /// <summary>Owner table: NAT sessions (NatTable).</summary>
        public const int Sessions = 0;

        /// <summary>Owner table: ESP mappings.</summary>
        public const int Esp = 1;

        /// <summary>Owner table: plain GRE mappings.</summary>
        public const int Gre = 2;

        /// <summary>Owner table: PPTP calls.</summary>
        public const int Pptp = 3;

        /// <summary>How long a session may idle in a crowded native table before its slot is given back.</summary>
        public const int IdleUninstallSeconds = 30;

        private const ushort None = FlowSlots.None;
        private const byte NoRule = FlowSlots.NoRule;

        private readonly IFlowPath _path;
        private readonly FlowSlots _slots;
        private readonly NatTable _table;
        private readonly TunnelTable _esp;
        private readonly TunnelTable _gre;
        private readonly PptpTracker _pptp;
        private readonly PassthroughRules _rules;
        private readonly ushort[] _sessionSlot;
        private readonly ushort[] _espSlot;
        private readonly ushort[] _greSlot;
        private readonly ushort[] _callSlot;

        // What each installed PPTP call was installed with, to notice a change.
        private readonly uint[] _callServer;
        private readonly ushort[] _callPac;
        private readonly ushort[] _callExternal;
        private readonly ushort[] _callOriginal;
        private readonly byte[] _callHost;

        private readonly byte[] _specBytes = new byte[FlowSpec.Bytes];
        private readonly byte[] _stateBytes = new byte[FlowState.Bytes];
        private readonly FlowSpec _spec;
        private readonly FlowState _state;
        private readonly byte[] _peekBytes = new byte[FlowState.Bytes];
        private readonly FlowState _peek;
        private uint _lanAddress;
        private int _lanPrefixLength;
        private uint _wanAddress;
        private uint _wanWire;
        private bool _addressesPending;
        private bool _pptpSyncWanted;
        private ushort _now;
        private int _seconds;
        private int _publishedSeconds = -1;
        private int _installs;
        private int _removals;
        private int _refusedFull;
        private int _refusedBusy;
        private int _refusedOther;
        private VpnDiagnostics _vpn;
        private int[] _vpnOut;
        private int[] _vpnIn;
        private byte[] _slotRow;

        /// <summary>Builds the installer over the engine's tables and a board's native flow path, and
        /// observes the tables. Nothing is installed until <see cref="SetAddresses"/>.</summary>
        public FlowInstaller(IFlowPath path, NatTable table, TunnelTable esp, TunnelTable gre, PptpTracker pptp, PassthroughRules rules)
        {
            _path = path;
            _table = table;
            _esp = esp;
            _gre = gre;
            _pptp = pptp;
            _rules = rules;
            _slots = new FlowSlots(path.Capacity);
            _sessionSlot = NewSlotMap(table.Capacity);
            _espSlot = NewSlotMap(esp.Capacity);
            _greSlot = NewSlotMap(gre.Capacity);
            _callSlot = NewSlotMap(pptp.MaxCalls);
            _callServer = new uint[pptp.MaxCalls];
            _callPac = new ushort[pptp.MaxCalls];
            _callExternal = new ushort[pptp.MaxCalls];
            _callOriginal = new ushort[pptp.MaxCalls];
            _callHost = new byte[pptp.MaxCalls];
            _spec = new FlowSpec(_specBytes);
            _state = new FlowState(_stateBytes);
            _peek = new FlowState(_peekBytes);
            table.Observe(this);
            esp.Observe(this, Esp);
            gre.Observe(this, Gre);
        }

        /// <summary>The managed reference table of the native slots.</summary>
        public FlowSlots Slots => _slots;

        /// <summary>Flows installed in the native path now.</summary>
        public int Offloaded => _slots.LiveCount;

        /// <summary>Native installs so far.</summary>
        public int Installs => _installs;

        /// <summary>Native removals so far.</summary>
        public int Removals => _removals;

        /// <summary>Installs not made because every native slot was taken (the flow stayed managed).</summary>
        public int RefusedFull => _refusedFull;

        /// <summary>Installs the native side put off (a grace period was running; retried on the next packet).</summary>
        public int RefusedBusy => _refusedBusy;

        /// <summary>Installs the native side refused otherwise (a key already installed, a bad spec).</summary>
        public int RefusedOther => _refusedOther;

        /// <summary>The native slot of a NAT session, or <see cref="FlowSlots.None"/> when it is managed.</summary>
        public int SlotOfSession(int entry) => _sessionSlot[entry];

        /// <summary>The native slot of an ESP (<see cref="Esp"/>) or GRE (<see cref="Gre"/>) mapping, or
        /// <see cref="FlowSlots.None"/>.</summary>
        public int SlotOfTunnel(int table, int entry) => table == Esp ? _espSlot[entry] : _greSlot[entry];

        /// <summary>The native slot of a PPTP call, or <see cref="FlowSlots.None"/>.</summary>
        public int SlotOfCall(int call) => _callSlot[call];

        /// <summary>
        /// The router's addresses (big-endian numbers; WAN 0: no uplink). Every native entry goes
        /// (their counters are read first and their final values later); the native side applies
        /// the new addresses, retried on the next tick while a grace period runs.
        /// </summary>
        public void SetAddresses(uint lanAddress, int lanPrefixLength, uint wanAddress)
        {
            _lanAddress = lanAddress;
            _lanPrefixLength = lanPrefixLength;
            _wanAddress = wanAddress;
            _wanWire = SwapBytes(wanAddress);
            RetireAll();
            _addressesPending = _path.SetAddresses(lanAddress, lanPrefixLength, wanAddress) != FlowStatus.Ok;
        }

        /// <summary>The engine's clock after a tick: its 16-bit seconds (the stamps) and its running
        /// seconds (the PPTP tracker's); the native side gets the stamp value when it changes.</summary>
        public void SetClock(ushort now, int seconds)
        {
            _now = now;
            _seconds = seconds;
            if (now != _publishedSeconds)
            {
                _publishedSeconds = now;
                _path.SetSeconds(now);
            }
        }

        /// <summary>The tick's native housekeeping: final values of removed slots, addresses still to apply.</summary>
        public void Tick()
        {
            if (_addressesPending)
            {
                _addressesPending = _path.SetAddresses(_lanAddress, _lanPrefixLength, _wanAddress) != FlowStatus.Ok;
            }

            if (_pptpSyncWanted)
            {
                _pptpSyncWanted = false;
                SyncPptp();
            }

            for (int i = _slots.RetiringCount - 1; i >= 0; i--)
            {
                int slot = _slots.RetiringAt(i);
                if (_path.Read(slot, _stateBytes) != FlowState.Retiring)
                {
                    Harvest(slot);
                    _slots.Finish(i);
                }
            }
        }

        /// <summary>
        /// The engine forwarded a packet of NAT session <paramref name="entry"/> (either path, after its
        /// TCP state was followed): installs it when it is established and not installed yet. A UDP or
        /// ICMP session's first reply only marks it answered (the established state bits, otherwise
        /// unused for them); the next packet installs it.
        /// </summary>
        public void SessionForwarded(int entry, bool inbound)
        {
            if (_sessionSlot[entry] != None)
            {
                return;
            }

            uint inside = _table.Inside[entry];
            if ((inside & NatTable.ProtocolMask) == NatTable.Tcp)
            {
                if ((inside & NatTable.StateMask) != NatTable.StateEstablished)
                {
                    return;
                }
            }
            else if ((inside & NatTable.StateMask) != NatTable.StateEstablished)
            {
                if (inbound)
                {
                    _table.SetState(entry, NatTable.StateEstablished);
                }

                return;
            }

            int rule = RuleOfSession(entry, inside);
            if (rule == -1 || _table.Remote[entry] == _wanWire)
            {
                return;
            }

            InstallSession(entry, inside, rule);
        }

        /// <summary>
        /// The engine is about to read or write the TCP tracking of session <paramref name="entry"/>
        /// itself (NatTable.TcpAck, TcpWindow: a RST, FIN or SYN, or a segment the native path missed).
        /// An installed session leaves the native path first and its tracking comes back from there
        /// (<see cref="Uninstall"/>), so the engine judges with the values of the last segment
        /// forwarded either way and the two copies never diverge; the session's next established-path packet
        /// installs it again, seeded with the engine's values.
        /// </summary>
        public void TcpTracking(int entry)
        {
            if (_sessionSlot[entry] != None)
            {
                Changing(Sessions, entry);
            }
        }

        /// <summary>The engine forwarded a packet of ESP (<see cref="Esp"/>) or GRE (<see cref="Gre"/>)
        /// mapping <paramref name="entry"/>: installs it in the directions whose identifier is known.</summary>
        public void TunnelForwarded(int table, int entry)
        {
            ushort[] map = table == Esp ? _espSlot : _greSlot;
            if (map[entry] != None)
            {
                return;
            }

            TunnelTable tunnels = table == Esp ? _esp : _gre;
            byte flags = tunnels.Flags[entry];
            byte kind;
            byte match;
            uint outId;
            uint inId;
            if (table == Esp)
            {
                kind = FlowSpec.KindEsp;
                match = (byte)(((flags & TunnelTable.FlagOutbound) != 0 ? FlowSpec.MatchOut : 0) | ((flags & TunnelTable.FlagInbound) != 0 ? FlowSpec.MatchIn : 0));
                outId = (flags & TunnelTable.FlagOutbound) != 0 ? tunnels.OutId[entry] : 0;
                inId = (flags & TunnelTable.FlagInbound) != 0 ? tunnels.InId[entry] : 0;
            }
            else if ((flags & TunnelTable.FlagOutbound) != 0)
            {
                // Keyed: out by the LAN host's key, in by the peer's, which may differ (RFC 2890; issue 14).
                // Installed once the peer's key is bound, so both directions are offloaded together.
                if ((flags & TunnelTable.FlagInbound) == 0)
                {
                    return;
                }

                kind = FlowSpec.KindGre;
                match = FlowSpec.MatchOut | FlowSpec.MatchIn;
                outId = tunnels.OutId[entry];
                inId = tunnels.InId[entry];
            }
            else
            {
                kind = FlowSpec.KindGreKeyless;
                match = FlowSpec.MatchOut | FlowSpec.MatchIn;
                outId = 0;
                inId = 0;
            }

            if (match == 0)
            {
                return;
            }

            _spec.Clear();
            _spec.SetHeader(kind, match, tunnels.Host[entry], tunnels.Peer[entry], tunnels.Seen[entry]);
            _spec.SetTunnelIds(outId, inId);
            int slot = Install(table, entry, table == Esp ? (int)PassthroughProtocol.Esp : (int)PassthroughProtocol.Gre);
            if (slot != None)
            {
                map[entry] = (ushort)slot;
            }
        }

        /// <summary>The engine forwarded a GRE packet of a PPTP call itself: the calls are brought in line
        /// with the tracker (<see cref="SyncPptp"/>) at the next tick, so one not installed yet (every
        /// slot was taken) gets another chance.</summary>
        public void PptpForwarded()
        {
            _pptpSyncWanted = true;
        }

        /// <summary>
        /// Brings the native PPTP calls in line with the tracker: established calls not installed are
        /// installed, installed ones that ended or changed are taken out. The engine calls it after
        /// every event that can change a call (a control segment, a connection closed, the tracker's
        /// expiry, a flush) and when a managed GRE packet found a call; it looks at every call slot
        /// (the tracker has few).
        /// </summary>
        public void SyncPptp()
        {
            for (int c = 0; c < _callSlot.Length; c++)
            {
                int host;
                uint server;
                ushort pac;
                ushort external;
                ushort original;
                bool established = _pptp.TryGetCall(c, out host, out server, out pac, out external, out original);
                if (_callSlot[c] != None)
                {
                    if (established && _callServer[c] == server && _callPac[c] == pac && _callExternal[c] == external
                        && _callOriginal[c] == original && _callHost[c] == host)
                    {
                        continue;
                    }

                    Uninstall(_callSlot, c);
                }

                if (!established)
                {
                    continue;
                }

                _spec.Clear();
                _spec.SetHeader(FlowSpec.KindPptp, FlowSpec.MatchOut | FlowSpec.MatchIn, host, server, _now);
                _spec.SetCallIds(Swap16(pac), Swap16(external), Swap16(original));
                int slot = Install(Pptp, c, (int)PassthroughProtocol.Pptp);
                if (slot != None)
                {
                    _callSlot[c] = (ushort)slot;
                    _callServer[c] = server;
                    _callPac[c] = pac;
                    _callExternal[c] = external;
                    _callOriginal[c] = original;
                    _callHost[c] = (byte)host;
                }
            }
        }

        /// <summary>Before the tracker's expiry: every installed call's native last-seen stamp keeps it
        /// fresh in the tracker (as a managed GRE packet would have), and its counters are added.</summary>
        public void RefreshPptp()
        {
            for (int c = 0; c < _callSlot.Length; c++)
            {
                int slot = _callSlot[c];
                if (slot != None && Read(slot))
                {
                    _pptp.TouchCall(c, _seconds - (ushort)(_now - _state.LastSeen));
                }
            }
        }

        /// <summary>Reads every installed flow back (stamps and counters), as the sweep does a slice at a time.</summary>
        public void RefreshAll()
        {
            for (int e = 0; e < _sessionSlot.Length; e++)
            {
                if (_sessionSlot[e] != None)
                {
                    Refresh(Sessions, e);
                }
            }

            for (int e = 0; e < _espSlot.Length; e++)
            {
                Refresh(Esp, e);
            }

            for (int e = 0; e < _greSlot.Length; e++)
            {
                Refresh(Gre, e);
            }

            RefreshPptp();
        }

        /// <summary>
        /// Packets the native path forwarded under <paramref name="rule"/> that are not in the rule's
        /// counters yet (they get there within the sweep's second), read without changing anything:
        /// the rule's exact counts are its counters plus these.
        /// </summary>
        public void UncountedPackets(PassthroughProtocol rule, out int packetsOut, out int packetsIn)
        {
            packetsOut = 0;
            packetsIn = 0;
            byte[] state = _peekBytes;
            FlowState view = _peek;
            for (int slot = 0; slot < _slots.Capacity; slot++)
            {
                if (_slots.State[slot] != FlowSlots.Free && _slots.Rule[slot] == (byte)rule && _path.Read(slot, state) > 0)
                {
                    packetsOut += (int)(view.PacketsOut - _slots.CountedOut[slot]);
                    packetsIn += (int)(view.PacketsIn - _slots.CountedIn[slot]);
                }
            }
        }

        /// <inheritdoc />
        public void Refresh(int table, int entry)
        {
            int slot;
            ushort[] seen;
            if (table == Sessions)
            {
                slot = _sessionSlot[entry];
                seen = _table.Seen;
            }
            else
            {
                slot = table == Esp ? _espSlot[entry] : _greSlot[entry];
                seen = table == Esp ? _esp.Seen : _gre.Seen;
            }

            if (slot == None || !Read(slot))
            {
                return;
            }

            ushort stamp = _state.LastSeen;
            if ((short)(stamp - seen[entry]) > 0)
            {
                seen[entry] = stamp;
            }

            // A crowded native table: a session idle for a while gives its slot back.
            if (table == Sessions && _slots.LiveCount > _slots.Capacity - (_slots.Capacity >> 2) && (ushort)(_now - seen[entry]) >= IdleUninstallSeconds)
            {
                Uninstall(_sessionSlot, entry);
            }
        }

        /// <inheritdoc />
        public void Changing(int table, int entry)
        {
            ushort[] map = table == Sessions ? _sessionSlot : (table == Esp ? _espSlot : _greSlot);
            if (map[entry] != None)
            {
                Refresh(table, entry);
                if (map[entry] != None)
                {
                    Uninstall(map, entry);
                }
            }
        }

        /// <inheritdoc />
        public void Cleared(int table)
        {
            ushort[] map = table == Sessions ? _sessionSlot : (table == Esp ? _espSlot : _greSlot);
            for (int e = 0; e < map.Length; e++)
            {
                if (map[e] != None)
                {
                    Uninstall(map, e);
                }
            }
        }

        /// <summary>The passthrough rule a session's native packets count under (<see cref="FlowSlots.NoRule"/>
        /// for plain sessions), or -1 when the session must stay managed.</summary>
        private int RuleOfSession(int entry, uint inside)
        {
            if ((inside & NatTable.FullPathFlag) == 0)
            {
                return NoRule;
            }

            // NAT-T: the engine counts each datagram by its ports (500 before 4500 before 1701). The
            // session's rule came from its first datagram's ports, so the native entry takes only
            // datagrams to and from that remote port (FlowSpec.SetRemotePort), which count the same.
            int code = (int)((inside & NatTable.RuleMask) >> NatTable.RuleShift);
            if ((inside & NatTable.ProtocolMask) == NatTable.Udp && code == (int)PassthroughProtocol.NatT - 1 && _table.RemotePort[entry] != 0)
            {
                return (int)PassthroughProtocol.NatT;
            }

            return -1;
        }

        private void InstallSession(int entry, uint inside, int rule)
        {
            uint code = inside & NatTable.ProtocolMask;
            byte kind = code == NatTable.Tcp ? FlowSpec.KindTcp : (code == NatTable.Udp ? FlowSpec.KindUdp : FlowSpec.KindIcmp);
            _spec.Clear();
            _spec.SetHeader(kind, FlowSpec.MatchOut | FlowSpec.MatchIn, (int)(inside >> NatTable.HostShift), _table.Remote[entry], _table.Seen[entry]);
            _spec.SetPorts((ushort)(inside & 0xFFFF), _table.Outside[entry]);
            if (rule == (int)PassthroughProtocol.NatT)
            {
                _spec.SetRemotePort(_table.RemotePort[entry]);
            }

            if (kind == FlowSpec.KindTcp)
            {
                // The tracking the RST/FIN checks use starts from the engine's own (see TcpTracking).
                for (int side = 0; side < 2; side++)
                {
                    _spec.SetTcpTracking(side, SwapBytes(_table.TcpAck[(entry << 1) | side]), (ushort)(_table.TcpWindow[(entry << 1) | side] << 8));
                }
            }

            int slot = Install(Sessions, entry, rule);
            if (slot != None)
            {
                _sessionSlot[entry] = (ushort)slot;
            }
        }

        /// <summary>Installs the spec in <see cref="_specBytes"/> in a free slot for an owner.</summary>
        /// <returns>The slot, or <see cref="FlowSlots.None"/> (counted) when the flow stays managed.</returns>
        private int Install(int table, int entry, int rule)
        {
            int slot = _slots.Take(table, entry, rule);
            if (slot == None)
            {
                _refusedFull++;
                return None;
            }

            if (_slotRow != null)
            {
                _slotRow[slot] = VpnRowOf(table, entry);
            }

            int status = _path.Install(slot, _specBytes);
            if (status != FlowStatus.Ok)
            {
                _slots.Release(slot);
                if (status == FlowStatus.Busy)
                {
                    _refusedBusy++;
                }
                else
                {
                    _refusedOther++;
                }

                return None;
            }

            _installs++;
            return slot;
        }

        /// <summary>Takes an owner's flow out of the native path: its counters so far are added, the slot
        /// retires until its values are final (at once when no packet is inside the data thread).</summary>
        private void Uninstall(ushort[] map, int entry)
        {
            int slot = map[entry];
            map[entry] = None;
            _path.Remove(slot);
            _removals++;
            _slots.Retire(slot);
            int last = _slots.RetiringCount - 1;
            int state = _path.Read(slot, _stateBytes);
            if (map == _sessionSlot && state >= 0 && (_table.Inside[entry] & NatTable.ProtocolMask) == NatTable.Tcp)
            {
                // The TCP tracking of the segments the native path forwarded (wire form, the window's
                // high byte, as the engine keeps them). On the host board the values are final here;
                // on a two-thread board a segment still inside the data thread may move them after
                // this read (the grace period), which the engine's next segment corrects.
                for (int side = 0; side < 2; side++)
                {
                    _table.TcpAck[(entry << 1) | side] = SwapBytes(_state.TcpAck(side));
                    _table.TcpWindow[(entry << 1) | side] = (byte)(_state.TcpWindow(side) >> 8);
                }
            }

            if (state != FlowState.Retiring)
            {
                Harvest(slot);
                _slots.Finish(last);
            }
        }

        /// <summary>Every live slot retires (the native side is about to drop every entry): counters read first.</summary>
        private void RetireAll()
        {
            ClearMap(_sessionSlot);
            ClearMap(_espSlot);
            ClearMap(_greSlot);
            ClearMap(_callSlot);
        }

        private void ClearMap(ushort[] map)
        {
            for (int e = 0; e < map.Length; e++)
            {
                int slot = map[e];
                if (slot != None)
                {
                    map[e] = None;
                    if (_path.Read(slot, _stateBytes) >= 0)
                    {
                        Harvest(slot);
                    }

                    _slots.Retire(slot);
                }
            }
        }

        /// <summary>Reads a live slot into <see cref="_state"/> and adds its new packets to its rule.</summary>
        /// <returns>False when the slot is not live (nothing read).</returns>
        private bool Read(int slot)
        {
            if (_path.Read(slot, _stateBytes) != FlowState.Live)
            {
                return false;
            }

            Harvest(slot);
            return true;
        }

        /// <summary>Adds the packets of the slot's last read (<see cref="_state"/>) not counted yet to its rule.</summary>
        private void Harvest(int slot)
        {
            int rule = _slots.Rule[slot];
            if (rule == NoRule)
            {
                return;
            }

            uint packetsOut = _state.PacketsOut;
            uint packetsIn = _state.PacketsIn;
            _rules.AddPackets((PassthroughProtocol)rule, (int)(packetsOut - _slots.CountedOut[slot]), (int)(packetsIn - _slots.CountedIn[slot]));
            if (_vpnOut != null)
            {
                CountVpnRow(slot, (int)(packetsOut - _slots.CountedOut[slot]), (int)(packetsIn - _slots.CountedIn[slot]));
            }

            _slots.CountedOut[slot] = packetsOut;
            _slots.CountedIn[slot] = packetsIn;
        }

        /// <summary>Counts each tunnel's native packets into its VPN diagnostics row too (the rows'
        /// counters, <see cref="VpnDiagnostics"/>, the last one the spare row), as the managed fast
        /// path does.</summary>
        public void UseDiagnostics(VpnDiagnostics vpn)
        {
            _vpn = vpn;
            _vpnOut = vpn.OutCounters;
            _vpnIn = vpn.InCounters;
            _slotRow = new byte[_slots.Capacity];
            for (int i = 0; i < _slotRow.Length; i++)
            {
                _slotRow[i] = VpnDiagnostics.SpareRow;
            }
        }

        /// <summary>The row an ESP or GRE mapping, a PPTP call or a NAT-T session counts into; the spare
        /// row for anything else.</summary>
        private byte VpnRowOf(int table, int owner)
        {
            switch (table)
            {
                case Sessions:
                    uint inside = _table.Inside[owner];
                    if ((inside & (NatTable.FullPathFlag | NatTable.RuleMask)) != (NatTable.FullPathFlag | ((uint)(PassthroughProtocol.NatT - 1) << NatTable.RuleShift)))
                    {
                        return VpnDiagnostics.SpareRow;
                    }

                    int row = _vpn.Find((int)(inside >> NatTable.HostShift), PassthroughProtocol.NatT, SwapBytes(_table.Remote[owner]));
                    return row < 0 ? VpnDiagnostics.SpareRow : (byte)row;
                case Esp:
                    return _esp.DiagnosticRow[owner];
                case Gre:
                    return _gre.DiagnosticRow[owner];
                case Pptp:
                    return _pptp.CallRow(owner);
                default:
                    return VpnDiagnostics.SpareRow;
            }
        }

        /// <summary>Adds a harvested slot's new packets to the row its owner links to (the row it had
        /// at its last harvest once it is retiring: a retired slot has no owner).</summary>
        private void CountVpnRow(int slot, int packetsOut, int packetsIn)
        {
            int owner = _slots.OwnerIndex[slot];
            if (owner != None)
            {
                _slotRow[slot] = VpnRowOf(_slots.OwnerTable[slot], owner);
            }

            int row = _slotRow[slot];
            _vpnOut[row] += packetsOut;
            _vpnIn[row] += packetsIn;
        }

        private static ushort[] NewSlotMap(int length)
        {
            ushort[] map = new ushort[length];
            for (int i = 0; i < length; i++)
            {
                map[i] = None;
            }

            return map;
        }

        private static ushort Swap16(ushort value) => (ushort)((value >> 8) | (value << 8));

        private static uint SwapBytes(uint value) => (value >> 24) | ((value >> 8) & 0xFF00) | ((value << 8) & 0xFF0000) | (value << 24);
    }
}
