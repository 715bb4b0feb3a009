using System;
using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// TCP state: what a segment does to its session (RFC 9293's states as the NAT needs
    /// them, RFC 7857 timeouts) and when a FIN or RST from the WAN is believed (RFC 5961's window).
    /// </summary>
    public sealed partial class NatEngine
    {
        private int _tcpCloseIgnored;

        /// <summary>RSTs and FINs of established TCP sessions the receiver would not accept (out of
        /// sequence): forwarded, the session left established.</summary>
        public int TcpClosesIgnored => _tcpCloseIgnored;

        /// <summary>
        /// Follows TCP state (RFC 5382 timeouts: established vs transitory) and the sequence tracking
        /// behind it, for a segment of session <paramref name="e"/> before translation. A SYN from the
        /// LAN host starts a connection (also on a closing session: the same ports again); the remote's
        /// SYN answers it (established). A RST or FIN makes an established session closing only when
        /// the receiver would accept it (<see cref="IsCloseAcceptable"/>): a blind attacker's guess
        /// is forwarded (the endpoint decides) and changes nothing. Every segment with ACK records that
        /// side's acknowledgment number (<see cref="NatTable.TcpAck"/>), as the established path does.
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
                if ((_inside[e] & (NatTable.FullPathFlag | NatTable.ForwardedFlag)) == NatTable.ForwardedFlag)
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
    }
}
