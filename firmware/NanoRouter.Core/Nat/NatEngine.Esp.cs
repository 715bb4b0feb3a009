using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// IPsec ESP passthrough: mappings by (host, peer, outbound SPI), the inbound SPI learned
    /// from the first packet back (RFC 3715's problem, solved as routers do).
    /// </summary>
    public sealed partial class NatEngine
    {
        // The ESP table's arrays, for the established path.
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

        /// <summary>ESP on a known SPI (inbound) or a known (host, peer, outbound SPI) mapping; anything else goes to the full path.</summary>
        private Verdict EstablishedEsp(byte[] packet, int length, Side ingress)
        {
            int e;
            if (!_ruleEnabled[EspIndex])
            {
                return ProcessInFull(packet, length, ingress);
            }

            uint spi = BitConverter.ToUInt32(packet, 20);
            if (ingress == Side.Lan)
            {
                uint source = BitConverter.ToUInt32(packet, 12);
                if ((source & _lanMaskWire) != _lanNetworkWire)
                {
                    return ProcessInFull(packet, length, ingress);
                }

                int host = (int)(source >> 24);
                uint peer = BitConverter.ToUInt32(packet, 16);
                e = _espPeerHead[(int)((peer * _espHashMultiplier) >> _espHashShift)];
                while (true)
                {
                    if (e == NoIndex)
                    {
                        return ProcessInFull(packet, length, ingress);
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
                        return ProcessInFull(packet, length, ingress);
                    }

                    if (_espInId[e] == spi && _espPeer[e] == peer)
                    {
                        break;
                    }

                    e = _espInNext[e];
                }

                if (BitConverter.ToUInt32(packet, 16) != _wanWire)
                {
                    return ProcessInFull(packet, length, ingress);
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
    }
}
