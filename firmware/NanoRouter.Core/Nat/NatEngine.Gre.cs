using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// GRE passthrough: plain GRE (version 0) mapped by host, peer and outbound key, the inbound
    /// key learned as ESP learns SPIs (a keyless tunnel is its peer's only one); version 1 is PPTP's.
    /// </summary>
    public sealed partial class NatEngine
    {
        // The plain GRE table's arrays, for the established path.
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

        /// <summary>GRE of an established mapping: PPTP's enhanced GRE (version 1) is checked first,
        /// so that its packets pay nothing for plain GRE; version 0 is plain GRE.</summary>
        private Verdict EstablishedGre(byte[] packet, int length, Side ingress)
        {
            if (_ruleEnabled[PptpIndex] && (packet[20] & 0xEF) == 0x20 && (packet[21] & 0x7F) == 1)
            {
                return EstablishedPptpGre(packet, length, ingress);
            }

            return (packet[21] & 7) == 0 ? EstablishedPlainGre(packet, length, ingress) : ProcessInFull(packet, length, ingress);
        }

        /// <summary>
        /// Established path for plain GRE (version 0; C and S allowed, R, s and Recur must be 0, as TryParse
        /// asks) on a known mapping: LAN to WAN by (host, peer, outbound key) or the peer's keyless
        /// owner, WAN to LAN by (peer, learned inbound key) or the keyless owner. Keys are never
        /// rewritten. An inbound key not learned yet, another host's key or a new tunnel go slow,
        /// where they are bound, dropped or mapped.
        /// </summary>
        private Verdict EstablishedPlainGre(byte[] packet, int length, Side ingress)
        {
            int flags = packet[20] & 0x6F; // K and the bits a receiver rejects (R, s, Recur)
            if (!_ruleEnabled[GreIndex] || (flags & 0x4F) != 0)
            {
                return ProcessInFull(packet, length, ingress);
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
                    return ProcessInFull(packet, length, ingress);
                }

                int host = (int)(source >> 24);
                uint peer = BitConverter.ToUInt32(packet, 16);
                e = _grePeerHead[(int)((peer * _greHashMultiplier) >> _greHashShift)];
                while (true)
                {
                    if (e == NoIndex)
                    {
                        return ProcessInFull(packet, length, ingress);
                    }

                    if (_greOutId[e] == key && _grePeer[e] == peer && (_greFlags[e] & TunnelTable.FlagOutbound) == keyed)
                    {
                        break;
                    }

                    e = _grePeerNext[e];
                }

                if (_greHost[e] != host)
                {
                    return ProcessInFull(packet, length, ingress);
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
                            return ProcessInFull(packet, length, ingress);
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
                            return ProcessInFull(packet, length, ingress);
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
                    return ProcessInFull(packet, length, ingress);
                }

                _greSeen[e] = _now;
                _translator.RewriteAddress(packet, 0, _greHost[e], Translator.Inbound, 0);
                _ruleIn[GreIndex]++;
                _vpnIn[_greRow[e]]++;
                _egress = Side.Lan;
            }

            return Verdict.Forward;
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
        /// as the established path reads it); 0 and false when it has none.</summary>
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
    }
}
