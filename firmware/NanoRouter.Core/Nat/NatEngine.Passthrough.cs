using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// VPN passthrough on the NAT: IPsec ESP mapped by SPI, plain GRE mapped by host, peer and
    /// outbound key with the inbound key learned as ESP learns SPIs,
    /// PPTP's enhanced GRE mapped by call ID, and the switches. IKE, NAT-T and L2TP are UDP
    /// sessions marked slow-path-only, so each packet is checked against its switch and counted.
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

        // The ESP table's arrays, for the fast path.
        private uint[] _espPeer;
        private uint[] _espOutId;
        private uint[] _espInId;
        private byte[] _espHost;
        private ushort[] _espSeen;
        private ushort[] _espPeerNext;
        private ushort[] _espInNext;
        private ushort[] _espPeerHead;
        private ushort[] _espInHead;
        private uint _espHashMultiplier;
        private int _espHashShift;

        // The plain GRE table's arrays, for the fast path.
        private uint[] _grePeer;
        private uint[] _greOutId;
        private uint[] _greInId;
        private byte[] _greHost;
        private byte[] _greFlags;
        private ushort[] _greSeen;
        private ushort[] _grePeerNext;
        private ushort[] _greInNext;
        private ushort[] _grePeerHead;
        private ushort[] _greInHead;
        private uint _greHashMultiplier;
        private int _greHashShift;

        private int _mssClamped;
        private int _icmpErrorsTranslated;
        private int _hairpinned;
        private int _tcpCloseIgnored;

        /// <summary>SYNs whose MSS option was clamped.</summary>
        public int MssClamped => _mssClamped;

        /// <summary>ICMP errors translated, both directions.</summary>
        public int IcmpErrorsTranslated => _icmpErrorsTranslated;

        /// <summary>Packets hairpinned from one LAN host to another through the WAN address.</summary>
        public int Hairpinned => _hairpinned;

        /// <summary>RSTs and FINs of established TCP sessions the receiver would not accept (out of
        /// sequence): forwarded, the session left established.</summary>
        public int TcpClosesIgnored => _tcpCloseIgnored;

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
            InitializeTracking();
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
                    _table.RemoveWhere(NatTable.SlowFlag | NatTable.RuleMask, NatTable.SlowFlag | ((uint)(rule - 1) << NatTable.RuleShift));
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

        /// <summary>ESP from the LAN: map (host, peer, outbound SPI); an IKE placeholder or an entry
        /// learned inbound first gets its outbound SPI here.</summary>
        private Verdict OutboundEsp(byte[] p, IPv4Packet ip, int host)
        {
            if (!_rules.IsEnabled(PassthroughProtocol.Esp))
            {
                VpnBlocked(PassthroughProtocol.Esp, host, BitConverter.ToUInt32(p, IPv4Packet.DestinationAddressOffset));
                return DropRule(PassthroughProtocol.Esp, DropReason.PassthroughOff);
            }

            int l4 = ip.HeaderLength;
            if (ip.TotalLength - l4 < 8)
            {
                return DropRule(PassthroughProtocol.Esp, DropReason.MalformedTransport);
            }

            uint spi = BitConverter.ToUInt32(p, l4);
            uint peer = BitConverter.ToUInt32(p, IPv4Packet.DestinationAddressOffset);
            int e = _esp.FindOutbound(peer, spi);
            if (e != NoIndex && _esp.Host[e] != host)
            {
                // Another LAN host already sends on this SPI to this peer.
                return DropRule(PassthroughProtocol.Esp, DropReason.Filtered);
            }

            if (e == NoIndex)
            {
                e = _esp.FindWithoutOutbound(host, peer);
                if (e != NoIndex)
                {
                    _esp.SetOutbound(e, spi);
                }
                else
                {
                    e = _esp.Add(host, peer, spi, true, _now, MinEvictIdleSec);
                    if (e == NoIndex)
                    {
                        return DropRule(PassthroughProtocol.Esp, DropReason.TableFull);
                    }
                }
            }

            _esp.Seen[e] = _now;
            VpnEspOut(e, host, p, ip, spi);
            _translator.RewriteAddress(p, 0, host, Translator.Outbound, 0);
            _rules.CountOut(PassthroughProtocol.Esp);
            if (_flows != null)
            {
                _flows.TunnelForwarded(FlowInstaller.Esp, e);
            }

            return Forward(Side.Wan);
        }

        /// <summary>ESP from the WAN: by learned inbound SPI; an unknown SPI binds to the peer's most
        /// recently active mapping that has no inbound SPI yet, else it is dropped and counted.</summary>
        private Verdict InboundEsp(byte[] p, IPv4Packet ip)
        {
            if (!_rules.IsEnabled(PassthroughProtocol.Esp))
            {
                return DropRule(PassthroughProtocol.Esp, DropReason.PassthroughOff);
            }

            int l4 = ip.HeaderLength;
            if (ip.TotalLength - l4 < 8)
            {
                return DropRule(PassthroughProtocol.Esp, DropReason.MalformedTransport);
            }

            uint spi = BitConverter.ToUInt32(p, l4);
            uint peer = BitConverter.ToUInt32(p, IPv4Packet.SourceAddressOffset);
            int e = _esp.FindInbound(peer, spi);
            if (e == NoIndex)
            {
                e = spi == 0 ? NoIndex : _esp.FindMostRecentUnbound(peer, _now);
                if (e == NoIndex)
                {
                    return DropRule(PassthroughProtocol.Esp, DropReason.UnknownSpi);
                }

                VpnCheckEspBinding(e, peer);
                _esp.BindInbound(e, spi);
            }

            _esp.Seen[e] = _now;
            VpnEspIn(e, ip, spi);
            _translator.RewriteAddress(p, 0, _esp.Host[e], Translator.Inbound, 0);
            _rules.CountIn(PassthroughProtocol.Esp);
            if (_flows != null)
            {
                _flows.TunnelForwarded(FlowInstaller.Esp, e);
            }

            return Forward(Side.Lan);
        }

        /// <summary>IKE on UDP 500 from a LAN host to a peer: the host may next receive ESP from that
        /// peer, so keep a mapping ready for the first inbound SPI.</summary>
        private void NoteIke(int host, uint peer)
        {
            if (!_rules.IsEnabled(PassthroughProtocol.Esp))
            {
                return;
            }

            int e = _esp.PeerHead[_esp.Bucket(peer)];
            while (e != NoIndex)
            {
                if (_esp.Peer[e] == peer && _esp.Host[e] == host && (_esp.Flags[e] & TunnelTable.FlagInbound) == 0)
                {
                    _esp.Seen[e] = _now;
                    return;
                }

                e = _esp.PeerNext[e];
            }

            _esp.Add(host, peer, 0, false, _now, MinEvictIdleSec);
        }

        /// <summary>GRE from the LAN: version 1 (PPTP) by call ID, version 0 by peer and key.</summary>
        private Verdict OutboundGre(byte[] p, IPv4Packet ip, int host)
        {
            int l4 = ip.HeaderLength;
            GrePacket gre;
            if (GrePacket.TryParse(p, l4, ip.TotalLength - l4, out gre) != WireStatus.Ok)
            {
                return Drop(DropReason.MalformedTransport);
            }

            uint peer = BitConverter.ToUInt32(p, IPv4Packet.DestinationAddressOffset);
            if (gre.Version == GreVersionEnhanced)
            {
                if (!_rules.IsEnabled(PassthroughProtocol.Pptp))
                {
                    VpnBlocked(PassthroughProtocol.Pptp, host, peer);
                    return DropRule(PassthroughProtocol.Pptp, DropReason.PassthroughOff);
                }

                if (!PptpOutboundGre(host, peer, gre.CallId))
                {
                    return DropRule(PassthroughProtocol.Pptp, DropReason.NoMapping);
                }

                VpnPptpGre(host, peer, true);
                _translator.RewriteAddress(p, 0, host, Translator.Outbound, 0);
                _rules.CountOut(PassthroughProtocol.Pptp);
                if (_flows != null)
                {
                    _flows.PptpForwarded();
                }

                return Forward(Side.Wan);
            }

            if (!_rules.IsEnabled(PassthroughProtocol.Gre))
            {
                VpnBlocked(PassthroughProtocol.Gre, host, peer);
                return DropRule(PassthroughProtocol.Gre, DropReason.PassthroughOff);
            }

            uint key;
            bool keyed = TryGetGreKeyWire(p, l4, gre, out key);
            int e = keyed ? _gre.FindOutbound(peer, key) : FindKeylessGre(peer);
            if (e != NoIndex && _gre.Host[e] != host)
            {
                // Another LAN host already sends on this key (or keyless) to this peer: the peer
                // could not tell the two apart.
                VpnGreOwned(host, peer, _gre.Host[e], keyed);
                return DropRule(PassthroughProtocol.Gre, DropReason.GreOwned);
            }

            if (e == NoIndex)
            {
                // The inbound key is learned from the peer's first packet (InboundGre).
                e = _gre.Add(host, peer, key, keyed, _now, MinEvictIdleSec);
                if (e == NoIndex)
                {
                    return DropRule(PassthroughProtocol.Gre, DropReason.TableFull);
                }
            }

            _gre.Seen[e] = _now;
            VpnGreOut(e, host, p, ip, keyed, key);
            _translator.RewriteAddress(p, 0, host, Translator.Outbound, 0);
            _rules.CountOut(PassthroughProtocol.Gre);
            if (_flows != null)
            {
                _flows.TunnelForwarded(FlowInstaller.Gre, e);
            }

            return Forward(Side.Wan);
        }

        /// <summary>GRE from the WAN: version 1 by our external call ID; version 0 by peer and learned
        /// inbound key (an unknown key binds to the peer's unbound keyed mapping, symmetric first, else
        /// the most recent), keyless by the peer's keyless owner.</summary>
        private Verdict InboundGre(byte[] p, IPv4Packet ip)
        {
            int l4 = ip.HeaderLength;
            GrePacket gre;
            if (GrePacket.TryParse(p, l4, ip.TotalLength - l4, out gre) != WireStatus.Ok)
            {
                return Drop(DropReason.MalformedTransport);
            }

            uint peer = BitConverter.ToUInt32(p, IPv4Packet.SourceAddressOffset);
            int host;
            if (gre.Version == GreVersionEnhanced)
            {
                if (!_rules.IsEnabled(PassthroughProtocol.Pptp))
                {
                    return DropRule(PassthroughProtocol.Pptp, DropReason.PassthroughOff);
                }

                ushort originalCallId;
                if (!PptpInboundGre(peer, gre.CallId, out host, out originalCallId))
                {
                    return DropRule(PassthroughProtocol.Pptp, DropReason.NoMapping);
                }

                gre.SetCallId(originalCallId);
                VpnPptpGre(host, peer, false);
                _translator.RewriteAddress(p, 0, host, Translator.Inbound, 0);
                _rules.CountIn(PassthroughProtocol.Pptp);
                if (_flows != null)
                {
                    _flows.PptpForwarded();
                }

                return Forward(Side.Lan);
            }

            if (!_rules.IsEnabled(PassthroughProtocol.Gre))
            {
                return DropRule(PassthroughProtocol.Gre, DropReason.PassthroughOff);
            }

            uint key;
            int e;
            bool keyed = TryGetGreKeyWire(p, l4, gre, out key);
            if (keyed)
            {
                // As ESP learns SPIs: the learned key, else bind it to the peer's keyed mapping that
                // has no inbound key yet (the symmetric one first, else the most recent).
                e = _gre.FindInbound(peer, key);
                if (e == NoIndex)
                {
                    e = _gre.FindUnboundForInbound(peer, key, _now);
                    if (e == NoIndex)
                    {
                        return DropRule(PassthroughProtocol.Gre, DropReason.NoMapping);
                    }

                    _gre.BindInbound(e, key);
                }
            }
            else
            {
                e = FindKeylessGre(peer);
                if (e == NoIndex)
                {
                    return DropRule(PassthroughProtocol.Gre, DropReason.NoMapping);
                }
            }

            _gre.Seen[e] = _now;
            VpnGreIn(e, ip, keyed, key);
            host = _gre.Host[e];
            _translator.RewriteAddress(p, 0, host, Translator.Inbound, 0);
            _rules.CountIn(PassthroughProtocol.Gre);
            if (_flows != null)
            {
                _flows.TunnelForwarded(FlowInstaller.Gre, e);
            }

            return Forward(Side.Lan);
        }

        /// <summary>A parsed GRE v0 packet's key in wire form (its four bytes as BitConverter reads them,
        /// as the fast path reads it); 0 and false when it has none.</summary>
        private static bool TryGetGreKeyWire(byte[] p, int l4, GrePacket gre, out uint keyWire)
        {
            uint key;
            if (!gre.TryGetKey(out key))
            {
                keyWire = 0;
                return false;
            }

            // TryParse checked that the header, key included, is inside the packet.
            keyWire = BitConverter.ToUInt32(p, l4 + GrePacket.OptionalFieldsOffset + ((p[l4] & GrePacket.FlagChecksum) != 0 ? 4 : 0));
            return true;
        }

        /// <summary>The keyless GRE owner of a peer: the first LAN host that sent it keyless GRE.</summary>
        private int FindKeylessGre(uint peer)
        {
            int e = _gre.PeerHead[_gre.Bucket(peer)];
            while (e != NoIndex)
            {
                if (_gre.Peer[e] == peer && (_gre.Flags[e] & TunnelTable.FlagOutbound) == 0)
                {
                    return e;
                }

                e = _gre.PeerNext[e];
            }

            return NoIndex;
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

        // PPTP control tracking and fragments are wired in NatEngine.Tracking.cs.
    }
}
