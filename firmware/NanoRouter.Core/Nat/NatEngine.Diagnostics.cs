using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// VPN diagnostics (issue 14 §2): what the passthrough code tells <see cref="VpnDiagnostics"/>.
    /// Every call here is on the full path or per event (a mapping made, bound or refused, an ICMP
    /// error, a fragment that found no slot); the established path only adds one at a mapping's linked row.
    /// </summary>
    public sealed partial class NatEngine
    {
        private const int L2tpControlFlags = 0xC8; // T, L and S
        private const int L2tpMessageTypeOffset = 18; // 12 bytes of header with L and S, then the AVP header (6)

        private VpnDiagnostics _vpn;
        private int[] _vpnOut;
        private int[] _vpnIn;
        private byte[] _espRow;
        private byte[] _greRow;

        /// <summary>The VPN sessions the router sees (read-only use: the VPN page and API, tests).</summary>
        public VpnDiagnostics Vpn => _vpn;

        /// <summary>The UDP idle timeout in force, seconds.</summary>
        public int UdpTimeoutSec => _udpSec;

        private void InitializeDiagnostics()
        {
            _vpn = new VpnDiagnostics(_lanNetwork);
            _vpn.Link(_esp.DiagnosticRow, _gre.DiagnosticRow, _pptp);
            _pptp.UseDiagnostics(_vpn.OutCounters, _vpn.InCounters, VpnDiagnostics.SpareRow);
            _vpnOut = _vpn.OutCounters;
            _vpnIn = _vpn.InCounters;
            _espRow = _esp.DiagnosticRow;
            _greRow = _gre.DiagnosticRow;
            for (int e = 0; e < _espRow.Length; e++)
            {
                _espRow[e] = VpnDiagnostics.SpareRow;
            }

            for (int e = 0; e < _greRow.Length; e++)
            {
                _greRow[e] = VpnDiagnostics.SpareRow;
            }
        }

        /// <summary>A client tried a protocol whose switch is off.</summary>
        private void VpnBlocked(PassthroughProtocol rule, int host, uint serverWire)
        {
            int r = _vpn.Touch(host, rule, SwapAddress(serverWire), _seconds);
            if (_vpn.State(r) == VpnDiagnostics.StateSeen)
            {
                _vpn.SetState(r, VpnDiagnostics.StateBlocked);
            }

            _vpn.SetProblem(r, VpnProblem.PassthroughOff, 0, 0, 0);
        }

        /// <summary>An IKE, NAT-T, L2TP or PPTP control packet forwarded from the LAN on session <paramref name="e"/>.</summary>
        private void VpnSessionOut(PassthroughProtocol rule, int host, int e, byte[] p, IPv4Packet ip)
        {
            int r = _vpn.Touch(host, rule, ip.DestinationAddress, _seconds);
            int l4 = ip.HeaderLength;
            int payload = l4 + UdpDatagram.HeaderLength;
            int payloadLength = ip.TotalLength - payload;
            if (rule == PassthroughProtocol.NatT && payloadLength == 1 && p[payload] == 0xFF
                && _vpn.PacketsOut(r) > 0 && _vpn.SecondsSinceOut(r) > _udpSec)
            {
                // A NAT-keepalive (RFC 3948) after a gap longer than the UDP timeout: the mapping lapsed.
                _vpn.SetProblem(r, VpnProblem.KeepaliveTooSlow, 0, _vpn.SecondsSinceOut(r), _udpSec);
            }

            _vpn.CountOut(r);
            uint external = _outside[e];
            _vpn.SetExternalPort(r, (int)(((external & 0xFF) << 8) | (external >> 8)));
            VpnNoteSession(r, rule, p, payload, payloadLength);
            VpnCheckDontFragment(r, p, ip);
        }

        /// <summary>An IKE, NAT-T, L2TP or PPTP control packet forwarded to the LAN on session <paramref name="e"/>.</summary>
        private void VpnSessionIn(PassthroughProtocol rule, int e, byte[] p, IPv4Packet ip)
        {
            int host = (int)(_inside[e] >> NatTable.HostShift);
            int r = _vpn.Touch(host, rule, ip.SourceAddress, _seconds);
            _vpn.CountIn(r);
            int payload = ip.HeaderLength + UdpDatagram.HeaderLength;
            VpnNoteSession(r, rule, p, payload, ip.TotalLength - payload);
        }

        /// <summary>The state word a UDP packet of IKE, NAT-T or L2TP shows (PPTP's comes from its tracker).</summary>
        private void VpnNoteSession(int r, PassthroughProtocol rule, byte[] p, int payload, int length)
        {
            byte state = _vpn.State(r);
            if (rule == PassthroughProtocol.Ike)
            {
                if (length >= IkeHeader.HeaderLength)
                {
                    _vpn.SetState(r, IkeState(p[payload + IkeHeader.ExchangeTypeOffset]));
                }
            }
            else if (rule == PassthroughProtocol.NatT)
            {
                if (length >= 4 && (p[payload] | p[payload + 1] | p[payload + 2] | p[payload + 3]) == 0)
                {
                    // The non-ESP marker: IKE floated to 4500 (RFC 3948).
                    if (state != VpnDiagnostics.StateEspInUdp)
                    {
                        _vpn.SetState(r, VpnDiagnostics.StateFloated);
                    }
                }
                else if (length >= 8)
                {
                    _vpn.SetState(r, VpnDiagnostics.StateEspInUdp);
                }
            }
            else if (rule == PassthroughProtocol.L2tp)
            {
                if (length >= L2tpMessageTypeOffset + 2 && (p[payload] & L2tpControlFlags) == L2tpControlFlags && (p[payload + 1] & 0x0F) == 2
                    && p[payload + 14] == 0 && p[payload + 15] == 0 && p[payload + 16] == 0 && p[payload + 17] == 0)
                {
                    byte next = L2tpState(p[payload + L2tpMessageTypeOffset + 1], p[payload + L2tpMessageTypeOffset]);
                    if (next != VpnDiagnostics.StateSeen)
                    {
                        _vpn.SetState(r, next);
                    }
                }
            }
            else if (rule == PassthroughProtocol.Pptp && (state == VpnDiagnostics.StateSeen || state == VpnDiagnostics.StateBlocked))
            {
                _vpn.SetState(r, VpnDiagnostics.StateControl);
            }
        }

        private static byte IkeState(int exchange)
        {
            switch (exchange)
            {
                case IkeHeader.ExchangeIkeSaInit: return VpnDiagnostics.StateIkeSaInit;
                case IkeHeader.ExchangeIkeAuth: return VpnDiagnostics.StateIkeAuth;
                case IkeHeader.ExchangeCreateChildSa: return VpnDiagnostics.StateCreateChildSa;
                case IkeHeader.ExchangeInformational: return VpnDiagnostics.StateInformational;
                case IkeHeader.ExchangeIdentityProtection: return VpnDiagnostics.StateMainMode;
                case IkeHeader.ExchangeAggressive: return VpnDiagnostics.StateAggressiveMode;
                case IkeHeader.ExchangeQuickMode: return VpnDiagnostics.StateQuickMode;
                default: return VpnDiagnostics.StateIkeExchange;
            }
        }

        /// <summary>An L2TP control message type (RFC 2661 §3.2) as a state; StateSeen for one that changes nothing.</summary>
        private static byte L2tpState(int low, int high)
        {
            if (high != 0)
            {
                return VpnDiagnostics.StateSeen;
            }

            switch (low)
            {
                case 1: // SCCRQ
                case 2: // SCCRP
                    return VpnDiagnostics.StateTunnelSetup;
                case 3: // SCCCN
                    return VpnDiagnostics.StateTunnelUp;
                case 10: // ICRQ
                case 11: // ICRP
                    return VpnDiagnostics.StateCallSetup;
                case 12: // ICCN
                    return VpnDiagnostics.StateCallUp;
                case 4: // StopCCN
                case 14: // CDN
                    return VpnDiagnostics.StateClosed;
                default:
                    return VpnDiagnostics.StateSeen;
            }
        }

        /// <summary>A DF packet larger than the uplink MTU: it cannot get through whole.</summary>
        private void VpnCheckDontFragment(int r, byte[] p, IPv4Packet ip)
        {
            if (ip.DontFragment && ip.TotalLength > VpnDiagnostics.UplinkMtu)
            {
                _vpn.SetProblem(r, VpnProblem.PathMtu, 0, VpnDiagnostics.UplinkMtu, ip.TotalLength);
            }
        }

        /// <summary>ESP forwarded from the LAN on mapping <paramref name="e"/>.</summary>
        private void VpnEspOut(int e, int host, byte[] p, IPv4Packet ip, uint spiWire)
        {
            int r = _vpn.Touch(host, PassthroughProtocol.Esp, ip.DestinationAddress, _seconds);
            _espRow[e] = (byte)r;
            _vpn.CountOut(r);
            _vpn.SetState(r, (_esp.Flags[e] & TunnelTable.FlagInbound) != 0 ? VpnDiagnostics.StateSpiBound : VpnDiagnostics.StateSpiSent);
            _vpn.SetIdOut(r, SwapAddress(spiWire));
            VpnCheckDontFragment(r, p, ip);
        }

        /// <summary>ESP forwarded to the LAN on mapping <paramref name="e"/>.</summary>
        private void VpnEspIn(int e, IPv4Packet ip, uint spiWire)
        {
            int r = _vpn.Touch(_esp.Host[e], PassthroughProtocol.Esp, ip.SourceAddress, _seconds);
            _espRow[e] = (byte)r;
            _vpn.CountIn(r);
            _vpn.SetState(r, VpnDiagnostics.StateSpiBound);
            _vpn.SetIdIn(r, SwapAddress(spiWire));
        }

        /// <summary>
        /// An unknown inbound SPI is about to bind to mapping <paramref name="e"/>: when another LAN
        /// host's mapping to the same peer is unbound too and was active within the binding window, the
        /// router cannot know whose SPI it is. Both rows say so.
        /// </summary>
        private void VpnCheckEspBinding(int e, uint peerWire)
        {
            int host = _esp.Host[e];
            int o = _esp.PeerHead[_esp.Bucket(peerWire)];
            while (o != NoIndex)
            {
                if (_esp.Peer[o] == peerWire && _esp.Host[o] != host && (_esp.Flags[o] & TunnelTable.FlagInbound) == 0
                    && (ushort)(_now - _esp.Seen[o]) <= VpnDiagnostics.EspBindWindowSec)
                {
                    uint server = SwapAddress(peerWire);
                    int other = _esp.Host[o];
                    int r = _vpn.Touch(host, PassthroughProtocol.Esp, server, _seconds);
                    _vpn.SetProblem(r, VpnProblem.EspAmbiguous, other, 0, 0);
                    r = _vpn.Touch(other, PassthroughProtocol.Esp, server, _seconds);
                    _vpn.SetProblem(r, VpnProblem.EspAmbiguous, host, 0, 0);
                    return;
                }

                o = _esp.PeerNext[o];
            }
        }

        /// <summary>Plain GRE forwarded from the LAN on mapping <paramref name="e"/>.</summary>
        private void VpnGreOut(int e, int host, byte[] p, IPv4Packet ip, bool keyed, uint keyWire)
        {
            int r = _vpn.Touch(host, PassthroughProtocol.Gre, ip.DestinationAddress, _seconds);
            _greRow[e] = (byte)r;
            _vpn.CountOut(r);
            VpnGreState(r, e, keyed);
            if (keyed)
            {
                _vpn.SetIdOut(r, SwapAddress(keyWire));
            }

            VpnCheckDontFragment(r, p, ip);
        }

        /// <summary>Plain GRE forwarded to the LAN on mapping <paramref name="e"/>.</summary>
        private void VpnGreIn(int e, IPv4Packet ip, bool keyed, uint keyWire)
        {
            int r = _vpn.Touch(_gre.Host[e], PassthroughProtocol.Gre, ip.SourceAddress, _seconds);
            _greRow[e] = (byte)r;
            _vpn.CountIn(r);
            VpnGreState(r, e, keyed);
            if (keyed)
            {
                _vpn.SetIdIn(r, SwapAddress(keyWire));
            }
        }

        private void VpnGreState(int r, int e, bool keyed)
        {
            _vpn.SetState(r, !keyed ? VpnDiagnostics.StateKeyless
                : ((_gre.Flags[e] & TunnelTable.FlagInbound) != 0 ? VpnDiagnostics.StateKeyBound : VpnDiagnostics.StateKeySent));
        }

        /// <summary>GRE refused: another LAN host owns the peer (keyless, or on the same key).</summary>
        private void VpnGreOwned(int host, uint peerWire, int owner, bool keyed)
        {
            int r = _vpn.Touch(host, PassthroughProtocol.Gre, SwapAddress(peerWire), _seconds);
            _vpn.SetState(r, keyed ? VpnDiagnostics.StateKeySent : VpnDiagnostics.StateKeyless);
            _vpn.SetProblem(r, VpnProblem.GreOwned, owner, 0, 0);
        }

        /// <summary>PPTP's GRE forwarded on the full path (the established path counts at the call's row).</summary>
        private void VpnPptpGre(int host, uint serverWire, bool outbound)
        {
            int r = _vpn.Touch(host, PassthroughProtocol.Pptp, SwapAddress(serverWire), _seconds);
            if (outbound)
            {
                _vpn.CountOut(r);
            }
            else
            {
                _vpn.CountIn(r);
            }
        }

        /// <summary>After a PPTP control segment: a message that did not parse is a problem; the pair's
        /// established calls link to the row, and the newest one's call IDs show.</summary>
        private void VpnPptpControl(int host, uint serverWire, PptpStatus status, bool abandoned)
        {
            int r = _vpn.Touch(host, PassthroughProtocol.Pptp, SwapAddress(serverWire), _seconds);
            if (status == PptpStatus.PassedUnparsed || abandoned)
            {
                _vpn.SetProblem(r, VpnProblem.PptpControlBad, 0, 0, 0);
            }

            ushort original;
            ushort external;
            if (_pptp.LinkCalls(host, serverWire, r, out original, out external))
            {
                _vpn.SetState(r, VpnDiagnostics.StateCallUp);
                _vpn.SetIdOut(r, original);
                _vpn.SetIdIn(r, external);
            }
            else if (_vpn.State(r) == VpnDiagnostics.StateCallUp || _vpn.State(r) == VpnDiagnostics.StateSeen)
            {
                _vpn.SetState(r, VpnDiagnostics.StateControl);
            }
        }

        /// <summary>
        /// An ICMP error from the WAN translated for <paramref name="host"/>: fragmentation-needed
        /// (type 3 code 4) about a VPN packet is a path-MTU problem of that session, with the MTU the
        /// hop reported. <paramref name="quotedInside"/> is the quoted session's inside key (0 for ESP and GRE).
        /// </summary>
        private void VpnIcmpError(byte[] p, int icmp, int quotedL4, byte protocol, uint quotedInside, int host, uint remoteWire)
        {
            if (p[icmp] != IcmpPacket.TypeDestinationUnreachable || p[icmp + 1] != 4)
            {
                return;
            }

            PassthroughProtocol rule;
            if (protocol == IPv4Packet.ProtocolEsp)
            {
                rule = PassthroughProtocol.Esp;
            }
            else if (protocol == IPv4Packet.ProtocolGre)
            {
                rule = (p[quotedL4 + 1] & 7) == GreVersionEnhanced ? PassthroughProtocol.Pptp : PassthroughProtocol.Gre;
            }
            else if ((quotedInside & NatTable.FullPathFlag) != 0)
            {
                rule = RuleOf(quotedInside);
            }
            else
            {
                return;
            }

            int r = _vpn.Touch(host, rule, SwapAddress(remoteWire), _seconds);
            _vpn.SetProblem(r, VpnProblem.PathMtu, 0, NetworkOrder.ReadUInt16(p, icmp + 6), 0);
        }
    }
}
