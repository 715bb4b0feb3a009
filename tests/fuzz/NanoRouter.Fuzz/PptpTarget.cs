using System;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Fuzz target "pptp": the PPTP control parser (<see cref="PptpControlMessage.TryParse"/> on the raw
    /// input at its first 16 offsets and on every segment's data) and the tracker
    /// (<see cref="PptpTracker.OnSegment"/> with real TCP segments built around the input). Script:
    /// <code>
    /// h: bits 4-5 the operation, bit 0 outbound (LAN to server), bit 1 SYN, bits 2-3 the connection (0-3),
    ///    bit 6 adds 256 to the data length
    /// op 0  in-order segment: u8 length, data                 (sequence = where the direction is)
    /// op 1  segment elsewhere: s16 sequence delta, u8 length, data (retransmissions, gaps, overlaps)
    /// op 2  GRE look-ups for u16 Call ID (outbound: TryOutboundGre; inbound: TryInboundGre, TryQuotedOutboundGre)
    /// op 3  SYN bit: the connection closes; else the clock moves 10 s (600 s when outbound) and Expire(300)
    /// </code>
    /// Invariants: no exception; the segment keeps its length, IPv4 header and TCP header (but the
    /// checksum) and its TCP checksum stays valid; calls and connections within their tables; an
    /// inbound GRE look-up only ever yields one of the four LAN hosts; a parsed message has its
    /// type's length and Call ID offsets inside it.
    /// </summary>
    internal sealed class PptpTarget : IFuzzTarget
    {
        public const uint Server = 0xC6120707;   // 198.18.7.7
        public const uint FirstHost = 0xC613040A;  // 198.19.4.10

        private readonly byte[] _segment = new byte[2048];
        private readonly byte[] _before = new byte[2048];
        private readonly uint[] _next = new uint[8];

        public string Name => "pptp";

        public void Run(byte[] input, int length)
        {
            for (int offset = 0; offset < 16 && offset <= length; offset++)
            {
                CheckParse(input, offset, length - offset);
            }

            var tracker = new PptpTracker(4, 8);
            for (int d = 0; d < 8; d++)
            {
                _next[d] = 0xFFFFF000u + (uint)(d * 0x01000000);
            }

            int nowSec = 100;
            int i = 0;
            while (i < length)
            {
                byte h = input[i++];
                int op = (h >> 4) & 3;
                bool outbound = (h & 1) != 0;
                bool syn = (h & 2) != 0;
                int conn = (h >> 2) & 3;
                int d = (conn * 2) + (outbound ? 0 : 1);
                int lanHost = (int)(FirstHost & 0xFF) + conn;
                if (op == 2)
                {
                    if (i + 2 > length)
                    {
                        break;
                    }

                    ushort callId = Be.U16(input, i);
                    i += 2;
                    if (outbound)
                    {
                        tracker.TryOutboundGre(lanHost, Server, callId, nowSec);
                    }
                    else
                    {
                        int host;
                        ushort original;
                        if (tracker.TryInboundGre(Server, callId, out host, out original, nowSec))
                        {
                            if (Invariant.Verbose)
                            {
                                Console.WriteLine("  inbound GRE call " + callId.ToString("x4") + " -> host " + host + " call " + original.ToString("x4"));
                            }

                            Invariant.That(host >= lanHost - conn && host < lanHost - conn + 4, "inbound GRE maps to a LAN host that has a connection");
                        }

                        if (tracker.TryQuotedOutboundGre(Server, callId, out host))
                        {
                            Invariant.That(host >= lanHost - conn && host < lanHost - conn + 4, "a quoted GRE maps to a LAN host that has a connection");
                        }
                    }

                    continue;
                }

                if (op == 3)
                {
                    if (syn)
                    {
                        tracker.OnConnectionClosed(conn);
                    }
                    else
                    {
                        nowSec += outbound ? 600 : 10;
                        tracker.Expire(nowSec, 300);
                    }

                    CheckTables(tracker);
                    continue;
                }

                uint sequence = _next[d];
                if (op == 1)
                {
                    if (i + 2 > length)
                    {
                        break;
                    }

                    sequence = unchecked(sequence + (uint)(short)Be.U16(input, i));
                    i += 2;
                }

                if (i >= length)
                {
                    break;
                }

                int dataLength = input[i++] + ((h & 0x40) != 0 ? 256 : 0);
                dataLength = Math.Min(dataLength, length - i);
                Segment(tracker, input, i, dataLength, conn, lanHost, outbound, syn, sequence, nowSec);
                i += dataLength;
                uint end = unchecked(sequence + (uint)dataLength + (syn ? 1u : 0u));
                if (op == 0 || (int)(end - _next[d]) > 0)
                {
                    _next[d] = end;
                }
            }

            CheckTables(tracker);
            if (Invariant.Verbose)
            {
                Console.WriteLine("  calls " + tracker.ActiveCalls + ", connections " + tracker.ActiveConnections + ", unparsed " + tracker.UnparsedMessages + ", unfollowed " + tracker.UnfollowedSegments);
            }
        }

        private void Segment(PptpTracker tracker, byte[] input, int at, int dataLength, int conn, int lanHost, bool outbound, bool syn, uint sequence, int nowSec)
        {
            uint host = (FirstHost & 0xFFFFFF00) | (uint)lanHost;
            ushort clientPort = (ushort)(40000 + conn);
            int flags = PacketWriter.Ack | (syn ? PacketWriter.Syn : PacketWriter.Psh);
            uint acknowledgment = _next[(conn * 2) + (outbound ? 1 : 0)];
            int length = outbound
                ? PacketWriter.Tcp(_segment, host, clientPort, Server, 1723, sequence, acknowledgment, flags, 0, input, at, dataLength)
                : PacketWriter.Tcp(_segment, Server, 1723, host, clientPort, sequence, acknowledgment, flags, 0, input, at, dataLength);
            Buffer.BlockCopy(_segment, 0, _before, 0, length);
            CheckParse(_segment, 40, dataLength);

            PptpStatus status = tracker.OnSegment(_segment, length, conn, lanHost, Server, outbound, nowSec);
            Invariant.That(status <= PptpStatus.NoState, "a defined status");
            if (Invariant.Verbose)
            {
                int changed = 0;
                for (int k = 40; k < length; k++)
                {
                    changed += _segment[k] != _before[k] ? 1 : 0;
                }

                Console.WriteLine("  conn " + conn + (outbound ? " out" : " in") + " seq " + sequence + " data " + dataLength + " -> " + status + (changed > 0 ? ", " + changed + " bytes rewritten" : string.Empty) + (dataLength >= 16 ? ", @12 " + Be.U16(_segment, 52).ToString("x4") + " @14 " + Be.U16(_segment, 54).ToString("x4") : string.Empty));
            }

            Invariant.That(_segment.AsSpan(0, 36).SequenceEqual(_before.AsSpan(0, 36)) && _segment.AsSpan(38, 2).SequenceEqual(_before.AsSpan(38, 2)), "the IPv4 and TCP headers are unchanged (but the TCP checksum)");
            Invariant.That(Checksums.Valid(_segment, length), "the TCP checksum stays valid after Call IDs are rewritten");
            CheckTables(tracker);
        }

        private static void CheckTables(PptpTracker tracker)
        {
            Invariant.That(tracker.ActiveCalls >= 0 && tracker.ActiveCalls <= tracker.MaxCalls, "calls within the table");
            Invariant.That(tracker.ActiveConnections >= 0 && tracker.ActiveConnections <= tracker.MaxConnections, "connections within the table");
        }

        private static void CheckParse(byte[] buffer, int offset, int length)
        {
            PptpControlMessage message;
            WireStatus status = PptpControlMessage.TryParse(buffer, offset, length, out message);
            if (status != WireStatus.Ok)
            {
                return;
            }

            int messageLength = message.MessageLength;
            Invariant.That(messageLength == PptpControlMessage.ExpectedLength((ushort)message.ControlMessageType) && messageLength <= length, "a parsed message has its type's length, within the bytes given");
            Invariant.That(message.MessageType == PptpControlMessage.MessageTypeControl && message.MagicCookie == PptpControlMessage.MagicCookieValue, "a parsed message is a control message with the cookie");
            int at;
            if (message.TryGetCallIdOffset(out at))
            {
                Invariant.That(at >= offset && at + 2 <= offset + messageLength, "the Call ID lies inside the message");
            }

            if (message.TryGetPeerCallIdOffset(out at))
            {
                Invariant.That(at >= offset && at + 2 <= offset + messageLength, "the Peer's Call ID lies inside the message");
            }

            ushort id;
            message.TryGetCallId(out id);
            message.TryGetPeerCallId(out id);
        }
    }
}
