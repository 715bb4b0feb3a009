using System;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// VPN passthrough on the NAT: the switches and per-rule counters, the mapping tables
    /// of ESP and plain GRE (NatEngine.Esp.cs, .Gre.cs) and PPTP's GRE (NatEngine.Pptp.cs), their
    /// expiry, and the quoted tunnel packets of ICMP errors. IKE, NAT-T and L2TP are UDP sessions
    /// marked for the full path, so each packet is checked against its switch and counted.
    /// </summary>
    public sealed partial class NatEngine
    {
        private const int EspIndex = (int)PassthroughProtocol.Esp;

        private const int GreIndex = (int)PassthroughProtocol.Gre;

        private const int PptpIndex = (int)PassthroughProtocol.Pptp;

        private const int GreVersionEnhanced = 1;

        private TunnelTable _esp;

        private TunnelTable _gre;

        private bool[] _ruleEnabled;

        private int[] _ruleOut;

        private int[] _ruleIn;

        /// <summary>The ESP mappings (read-only use).</summary>
        public TunnelTable EspMappings => _esp;

        /// <summary>The plain GRE mappings (read-only use).</summary>
        public TunnelTable GreMappings => _gre;

        private void InitializePassthrough()
        {
            int tunnels = _options.TunnelCapacity > 0 ? _options.TunnelCapacity : _options.Capacity / 16;
            if (tunnels < 8)
            {
                tunnels = 8;
            }

            _esp = new TunnelTable(tunnels, _clock.NowMs + 1);
            _gre = new TunnelTable(tunnels, _clock.NowMs + 2);
            _ruleEnabled = _rules.EnabledFlags;
            _ruleOut = _rules.OutCounters;
            _ruleIn = _rules.InCounters;
            _espPeer = _esp.Peer;
            _espOutId = _esp.OutId;
            _espInId = _esp.InId;
            _espHost = _esp.Host;
            _espSeen = _esp.Seen;
            _espPeerNext = _esp.PeerNext;
            _espInNext = _esp.InNext;
            _espPeerHead = _esp.PeerHead;
            _espInHead = _esp.InHead;
            _espHashMultiplier = _esp.HashMultiplier;
            _espHashShift = _esp.HashShift;
            _grePeer = _gre.Peer;
            _greOutId = _gre.OutId;
            _greInId = _gre.InId;
            _greHost = _gre.Host;
            _greFlags = _gre.Flags;
            _greSeen = _gre.Seen;
            _grePeerNext = _gre.PeerNext;
            _greInNext = _gre.InNext;
            _grePeerHead = _gre.PeerHead;
            _greInHead = _gre.InHead;
            _greHashMultiplier = _gre.HashMultiplier;
            _greHashShift = _gre.HashShift;
            InitializePptp();
            InitializeFragments();
            InitializeDiagnostics();
        }

        private void ClearPassthrough()
        {
            if (_esp != null)
            {
                _esp.Clear();
                _gre.Clear();
                _pptp.Flush();
            }
        }

        /// <summary>Flushes the mappings of every switched-off rule (called on the packet thread).</summary>
        private void ApplyRuleSwitches()
        {
            if (!_rules.IsEnabled(PassthroughProtocol.Esp))
            {
                _esp.Clear();
            }

            if (!_rules.IsEnabled(PassthroughProtocol.Gre))
            {
                _gre.Clear();
            }

            for (int rule = (int)PassthroughProtocol.Ike; rule <= (int)PassthroughProtocol.Pptp; rule++)
            {
                if (!_rules.IsEnabled((PassthroughProtocol)rule))
                {
                    _table.RemoveWhere(NatTable.FullPathFlag | NatTable.RuleMask, NatTable.FullPathFlag | ((uint)(rule - 1) << NatTable.RuleShift));
                }
            }

            if (!_rules.IsEnabled(PassthroughProtocol.Pptp))
            {
                FlushPptp();
            }

            if (_flows != null)
            {
                _flows.SyncPptp();
            }

            CountPassthroughMappings();
        }

        private void ExpirePassthrough()
        {
            _esp.Expire(_now, _udpSec);
            _gre.Expire(_now, _udpSec);
            if (_flows != null)
            {
                _flows.RefreshPptp();
            }

            ExpirePptp();
            if (_flows != null)
            {
                _flows.SyncPptp();
            }
        }

        /// <summary>Sets the active mappings of every rule for the status page (the NAT table keeps its
        /// passthrough entries counted, so this scans only the small tunnel tables).</summary>
        private void CountPassthroughMappings()
        {
            _rules.SetMappings(PassthroughProtocol.Esp, _esp.CountActive());
            _rules.SetMappings(PassthroughProtocol.Gre, _gre.Count);
            _rules.SetMappings(PassthroughProtocol.Ike, _table.SlowCount((int)PassthroughProtocol.Ike - 1));
            _rules.SetMappings(PassthroughProtocol.NatT, _table.SlowCount((int)PassthroughProtocol.NatT - 1));
            _rules.SetMappings(PassthroughProtocol.L2tp, _table.SlowCount((int)PassthroughProtocol.L2tp - 1));
            _rules.SetMappings(PassthroughProtocol.Pptp, _table.SlowCount((int)PassthroughProtocol.Pptp - 1) + PptpCalls());
        }

        private Verdict DropRule(PassthroughProtocol rule, DropReason reason)
        {
            _rules.CountDrop(rule);
            return Drop(reason);
        }

        /// <summary>The LAN host behind an ESP or GRE packet quoted in an ICMP error from the WAN.</summary>
        private bool TryFindTunnelForQuoted(byte[] p, int quotedL4, int end, byte protocol, uint peer, out int host)
        {
            host = 0;
            if (protocol == IPv4Packet.ProtocolEsp && quotedL4 + 4 <= end)
            {
                int e = _esp.FindOutbound(peer, BitConverter.ToUInt32(p, quotedL4));
                if (e != NoIndex)
                {
                    host = _esp.Host[e];
                    return true;
                }

                return false;
            }

            if (protocol == IPv4Packet.ProtocolGre && quotedL4 + 4 <= end)
            {
                GrePacket gre;
                if (GrePacket.TryParse(p, quotedL4, end - quotedL4, out gre) != WireStatus.Ok)
                {
                    return false;
                }

                if (gre.Version == GreVersionEnhanced)
                {
                    return PptpHostForQuoted(peer, gre.CallId, out host);
                }

                // The quoted packet is one we sent: its key is the outbound one.
                uint key;
                int e = TryGetGreKeyWire(p, quotedL4, gre, out key) ? _gre.FindOutbound(peer, key) : FindKeylessGre(peer);
                if (e != NoIndex)
                {
                    host = _gre.Host[e];
                    return true;
                }
            }

            return false;
        }
    }
}
