using System;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Passthrough
{
    /// <summary>
    /// PPTP control messages laid out field by field from RFC 2637 section 2 (offsets in the comments
    /// are from the start of the message), and TCP/IPv4 segments built by the test oracle, which is also
    /// the judge of every checksum the tests check (PacketDotNet agrees, on the host).
    /// </summary>
    internal static class PptpFixtures
    {
        /// <summary>The PPTP server (PAC): 198.18.0.1.</summary>
        public const uint ServerAddress = 0xC6120001;

        /// <summary>A second server: 198.18.0.9.</summary>
        public const uint OtherServerAddress = 0xC6120009;

        /// <summary>A LAN client address, 198.19.4.host.</summary>
        public static uint LanAddress(int host)
        {
            return 0xC6130400u | (uint)host;
        }

        // Header (section 2, every message): Length @0 (2), PPTP Message Type @2 (2) = 1 (control),
        // Magic Cookie @4 (4) = 0x1A2B3C4D, Control Message Type @8 (2), Reserved0 @10 (2) = 0.
        private static byte[] Header(int length, PptpControlMessageType type)
        {
            byte[] m = new byte[length];
            Put16(m, 0, length);
            Put16(m, 2, 1);
            Put32(m, 4, 0x1A2B3C4D);
            Put16(m, 8, (int)type);
            return m;
        }

        /// <summary>2.1 Start-Control-Connection-Request, 156 bytes.</summary>
        public static byte[] Sccrq()
        {
            byte[] m = Header(156, PptpControlMessageType.StartControlConnectionRequest);
            Put16(m, 12, 0x0100);      // Protocol Version 1.0
            Put16(m, 14, 0);           // Reserved1
            Put32(m, 16, 1);           // Framing Capabilities: asynchronous
            Put32(m, 20, 1);           // Bearer Capabilities: analog
            Put16(m, 24, 0);           // Maximum Channels (PNS: 0)
            Put16(m, 26, 1);           // Firmware Revision
            PutAscii(m, 28, "client"); // Host Name (64)
            PutAscii(m, 92, "test");   // Vendor Name (64)
            return m;
        }

        /// <summary>2.2 Start-Control-Connection-Reply, 156 bytes.</summary>
        public static byte[] Sccrp()
        {
            byte[] m = Header(156, PptpControlMessageType.StartControlConnectionReply);
            Put16(m, 12, 0x0100);      // Protocol Version
            m[14] = 1;                 // Result Code: success
            m[15] = 0;                 // Error Code
            Put32(m, 16, 1);           // Framing Capabilities
            Put32(m, 20, 1);           // Bearer Capabilities
            Put16(m, 24, 1);           // Maximum Channels
            Put16(m, 26, 1);           // Firmware Revision
            PutAscii(m, 28, "server"); // Host Name
            PutAscii(m, 92, "test");   // Vendor Name
            return m;
        }

        /// <summary>2.3 Stop-Control-Connection-Request, 16 bytes.</summary>
        public static byte[] StopCcrq()
        {
            byte[] m = Header(16, PptpControlMessageType.StopControlConnectionRequest);
            m[12] = 1;                 // Reason: general request to clear
            return m;
        }

        /// <summary>2.5 Echo-Request, 16 bytes.</summary>
        public static byte[] EchoRequest(uint identifier)
        {
            byte[] m = Header(16, PptpControlMessageType.EchoRequest);
            Put32(m, 12, identifier);  // Identifier
            return m;
        }

        /// <summary>2.6 Echo-Reply, 20 bytes.</summary>
        public static byte[] EchoReply(uint identifier)
        {
            byte[] m = Header(20, PptpControlMessageType.EchoReply);
            Put32(m, 12, identifier);  // Identifier
            m[16] = 1;                 // Result Code: OK
            return m;
        }

        /// <summary>2.7 Outgoing-Call-Request, 168 bytes, sent by the PNS.</summary>
        public static byte[] Ocrq(ushort callId, ushort serial)
        {
            byte[] m = Header(168, PptpControlMessageType.OutgoingCallRequest);
            Put16(m, 12, callId);      // Call ID (the PNS's)
            Put16(m, 14, serial);      // Call Serial Number
            Put32(m, 16, 2400);        // Minimum BPS
            Put32(m, 20, 10000000);    // Maximum BPS
            Put32(m, 24, 3);           // Bearer Type: any
            Put32(m, 28, 3);           // Framing Type: any
            Put16(m, 32, 64);          // Packet Recv. Window Size
            Put16(m, 34, 0);           // Packet Processing Delay
            Put16(m, 36, 0);           // Phone Number Length
            Put16(m, 38, 0);           // Reserved1
            // Phone Number @40 (64) and Subaddress @104 (64): zeros.
            return m;
        }

        /// <summary>2.8 Outgoing-Call-Reply, 32 bytes, sent by the PAC.</summary>
        public static byte[] Ocrp(ushort callId, ushort peerCallId, byte resultCode)
        {
            byte[] m = Header(32, PptpControlMessageType.OutgoingCallReply);
            Put16(m, 12, callId);      // Call ID (the PAC's)
            Put16(m, 14, peerCallId);  // Peer's Call ID (the PNS's, from the OCRQ)
            m[16] = resultCode;        // Result Code: 1 connected
            m[17] = 0;                 // Error Code
            Put16(m, 18, 0);           // Cause Code
            Put32(m, 20, 10000000);    // Connect Speed
            Put16(m, 24, 64);          // Packet Recv. Window Size
            Put16(m, 26, 0);           // Packet Processing Delay
            Put32(m, 28, 0);           // Physical Channel ID
            return m;
        }

        /// <summary>2.9 Incoming-Call-Request, 220 bytes, sent by the PAC.</summary>
        public static byte[] Icrq(ushort callId, ushort serial)
        {
            byte[] m = Header(220, PptpControlMessageType.IncomingCallRequest);
            Put16(m, 12, callId);      // Call ID (the PAC's)
            Put16(m, 14, serial);      // Call Serial Number
            Put32(m, 16, 1);           // Call Bearer Type: analog
            Put32(m, 20, 0);           // Physical Channel ID
            Put16(m, 24, 0);           // Dialed Number Length
            Put16(m, 26, 0);           // Dialing Number Length
            // Dialed Number @28 (64), Dialing Number @92 (64), Subaddress @156 (64): zeros.
            return m;
        }

        /// <summary>2.10 Incoming-Call-Reply, 24 bytes, sent by the PNS.</summary>
        public static byte[] Icrp(ushort callId, ushort peerCallId, byte resultCode)
        {
            byte[] m = Header(24, PptpControlMessageType.IncomingCallReply);
            Put16(m, 12, callId);      // Call ID (the PNS's)
            Put16(m, 14, peerCallId);  // Peer's Call ID (the PAC's, from the ICRQ)
            m[16] = resultCode;        // Result Code: 1 connect
            m[17] = 0;                 // Error Code
            Put16(m, 18, 64);          // Packet Recv. Window Size
            Put16(m, 20, 0);           // Packet Transmit Delay
            Put16(m, 22, 0);           // Reserved1
            return m;
        }

        /// <summary>2.11 Incoming-Call-Connected, 28 bytes, sent by the PAC.</summary>
        public static byte[] Iccn(ushort peerCallId)
        {
            byte[] m = Header(28, PptpControlMessageType.IncomingCallConnected);
            Put16(m, 12, peerCallId);  // Peer's Call ID (the PNS's, from the ICRP)
            Put16(m, 14, 0);           // Reserved1
            Put32(m, 16, 10000000);    // Connect Speed
            Put16(m, 20, 64);          // Packet Recv. Window Size
            Put16(m, 22, 0);           // Packet Transmit Delay
            Put32(m, 24, 1);           // Framing Type
            return m;
        }

        /// <summary>2.12 Call-Clear-Request, 16 bytes, sent by the PNS.</summary>
        public static byte[] Ccrq(ushort callId)
        {
            byte[] m = Header(16, PptpControlMessageType.CallClearRequest);
            Put16(m, 12, callId);      // Call ID (the PNS's)
            return m;
        }

        /// <summary>2.13 Call-Disconnect-Notify, 148 bytes, sent by the PAC.</summary>
        public static byte[] Cdn(ushort callId)
        {
            byte[] m = Header(148, PptpControlMessageType.CallDisconnectNotify);
            Put16(m, 12, callId);      // Call ID (the PAC's)
            m[14] = 3;                 // Result Code: admin shutdown
            m[15] = 0;                 // Error Code
            Put16(m, 16, 0);           // Cause Code
            // Reserved1 @18, Call Statistics @20 (128): zeros.
            return m;
        }

        /// <summary>2.14 WAN-Error-Notify, 40 bytes, sent by the PAC.</summary>
        public static byte[] Wen(ushort peerCallId)
        {
            byte[] m = Header(40, PptpControlMessageType.WanErrorNotify);
            Put16(m, 12, peerCallId);  // Peer's Call ID (the PNS's)
            Put32(m, 16, 7);           // CRC Errors; Framing, Hardware Overruns, Buffer Overruns,
            return m;                  // Time-out and Alignment Errors @20..36: zeros.
        }

        /// <summary>2.15 Set-Link-Info, 24 bytes, sent by the PNS.</summary>
        public static byte[] Sli(ushort peerCallId)
        {
            byte[] m = Header(24, PptpControlMessageType.SetLinkInfo);
            Put16(m, 12, peerCallId);  // Peer's Call ID (the PAC's)
            Put32(m, 16, 0xFFFFFFFF);  // Send ACCM
            Put32(m, 20, 0xFFFFFFFF);  // Receive ACCM
            return m;
        }

        public static byte[] Concat(params byte[][] parts)
        {
            int total = 0;
            foreach (byte[] p in parts)
            {
                total += p.Length;
            }

            byte[] all = new byte[total];
            int at = 0;
            foreach (byte[] p in parts)
            {
                Array.Copy(p, 0, all, at, p.Length);
                at += p.Length;
            }

            return all;
        }

        public static byte[] Slice(byte[] data, int offset, int count)
        {
            return Oracle.Slice(data, offset, count);
        }

        public static ushort Get16(byte[] m, int at)
        {
            return (ushort)((m[at] << 8) | m[at + 1]);
        }

        public static void Put16(byte[] m, int at, int value)
        {
            m[at] = (byte)(value >> 8);
            m[at + 1] = (byte)value;
        }

        public static void Put32(byte[] m, int at, uint value)
        {
            m[at] = (byte)(value >> 24);
            m[at + 1] = (byte)(value >> 16);
            m[at + 2] = (byte)(value >> 8);
            m[at + 3] = (byte)value;
        }

        private static void PutAscii(byte[] m, int at, string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                m[at + i] = (byte)text[i];
            }
        }

        /// <summary>An IPv4/TCP segment (TTL 64, identification 0x4242, window 64240, PSH with data) built and checksummed by the oracle.</summary>
        public static byte[] TcpSegment(uint source, uint destination, ushort sourcePort, ushort destinationPort, uint seq, uint ack, bool syn, bool hasAck, byte[] payload)
        {
            int flags = (syn ? 0x02 : 0) | (hasAck ? 0x10 : 0) | (payload.Length > 0 ? 0x08 : 0);
            return Oracle.Tcp(source, destination, sourcePort, destinationPort, seq, ack, (ushort)flags, 64240, 0, new byte[0], payload, 64, 0x4242, 0);
        }

        /// <summary>Reads a rewritten segment with the oracle, asserts both checksums are right by
        /// its own computation, and returns the TCP data.</summary>
        public static byte[] CheckedPayload(byte[] packet)
        {
            OraclePacket ip = Oracle.Reparse(packet);
            Assert.IsTrue(ip.Protocol == Oracle.ProtocolTcp && ip.TransportComplete, "a whole TCP segment");
            Assert.IsTrue(ip.ValidIPChecksum, "IPv4 header checksum");
            Assert.IsTrue(ip.ValidTcpChecksum, "TCP checksum (oracle validation)");
            Assert.AreEqual(ip.ComputedChecksum, ip.Checksum, "TCP checksum (oracle computation)");
            return ip.TransportPayload;
        }
    }

    /// <summary>
    /// One PPTP control connection between a LAN client and a server, driven through a
    /// <see cref="PptpTracker"/> the way the NAT engine calls it (before address translation).
    /// </summary>
    internal sealed class PptpConnectionDriver
    {
        public const ushort ServerPort = 1723;

        private readonly PptpTracker _tracker;

        public PptpConnectionDriver(PptpTracker tracker, int key, int lanHost, uint server, ushort clientPort, uint clientIsn, uint serverIsn)
        {
            _tracker = tracker;
            Key = key;
            LanHost = lanHost;
            Server = server;
            ClientPort = clientPort;
            ClientSeq = clientIsn;
            ServerSeq = serverIsn;
        }

        public int Key { get; }

        public int LanHost { get; }

        public uint Server { get; }

        public ushort ClientPort { get; }

        public uint ClientSeq { get; set; }

        public uint ServerSeq { get; set; }

        public int NowSec { get; set; } = 100;

        public PptpStatus LastStatus { get; private set; }

        public void Handshake()
        {
            Assert.AreEqual(PptpStatus.Ok, Pass(true, ClientSeq, 0, true, false, new byte[0], out _));
            ClientSeq++;
            HandshakeAfterSyn();
        }

        /// <summary>The server's SYN-ACK and the client's ACK (after <see cref="Syn"/>).</summary>
        public void HandshakeAfterSyn()
        {
            Assert.AreEqual(PptpStatus.Ok, Pass(false, ServerSeq, ClientSeq, true, true, new byte[0], out _));
            ServerSeq++;
            Assert.AreEqual(PptpStatus.Ok, Pass(true, ClientSeq, ServerSeq, false, true, new byte[0], out _));
        }

        /// <summary>Client to server at the next sequence number with a wrong TCP checksum (the
        /// server drops it); nothing advances.</summary>
        public void OutWithBadChecksum(byte[] payload)
        {
            byte[] packet = PptpFixtures.TcpSegment(PptpFixtures.LanAddress(LanHost), Server, ClientPort, ServerPort, ClientSeq, ServerSeq, false, true, payload);
            packet[20 + 16] ^= 0x55;
            LastStatus = _tracker.OnSegment(packet, packet.Length, Key, LanHost, Server, true, NowSec);
        }

        /// <summary>The client's SYN alone (the first step of <see cref="Handshake"/>); its status.</summary>
        public PptpStatus Syn()
        {
            PptpStatus status = Pass(true, ClientSeq, 0, true, false, new byte[0], out _);
            ClientSeq++;
            return status;
        }

        /// <summary>Client to server, next in sequence; returns the data as it leaves the tracker.</summary>
        public byte[] Out(byte[] payload)
        {
            byte[] result = OutAt(ClientSeq, payload);
            ClientSeq += (uint)payload.Length;
            return result;
        }

        /// <summary>Server to client, next in sequence.</summary>
        public byte[] In(byte[] payload)
        {
            byte[] result = InAt(ServerSeq, payload);
            ServerSeq += (uint)payload.Length;
            return result;
        }

        /// <summary>Client to server at any sequence number (retransmissions, gaps); nothing advances.</summary>
        public byte[] OutAt(uint seq, byte[] payload)
        {
            byte[] data;
            LastStatus = Pass(true, seq, ServerSeq, false, true, payload, out data);
            return data;
        }

        public byte[] InAt(uint seq, byte[] payload)
        {
            byte[] data;
            LastStatus = Pass(false, seq, ClientSeq, false, true, payload, out data);
            return data;
        }

        private PptpStatus Pass(bool outbound, uint seq, uint ack, bool syn, bool hasAck, byte[] payload, out byte[] data)
        {
            uint client = PptpFixtures.LanAddress(LanHost);
            byte[] packet = outbound
                ? PptpFixtures.TcpSegment(client, Server, ClientPort, ServerPort, seq, ack, syn, hasAck, payload)
                : PptpFixtures.TcpSegment(Server, client, ServerPort, ClientPort, seq, ack, syn, hasAck, payload);
            byte[] buffer = new byte[packet.Length + 16];
            Array.Copy(packet, 0, buffer, 0, packet.Length);
            PptpStatus status = _tracker.OnSegment(buffer, packet.Length, Key, LanHost, Server, outbound, NowSec);
            byte[] rewritten = PptpFixtures.Slice(buffer, 0, packet.Length);
            data = PptpFixtures.CheckedPayload(rewritten);
            return status;
        }
    }

    /// <summary>The fixtures themselves: every message parses with the Wire view at its RFC length,
    /// and the segments carry valid checksums by the oracle's computation (and PacketDotNet's, on the host).</summary>
    [TestClass]
    public class PptpMessageFixtureTests
    {
        [TestMethod]
        public void Fixtures_EveryMessage_ParsesAtItsRfcLength()
        {
            byte[][] messages =
            {
                PptpFixtures.Sccrq(), PptpFixtures.Sccrp(), PptpFixtures.StopCcrq(), PptpFixtures.EchoRequest(1),
                PptpFixtures.EchoReply(1), PptpFixtures.Ocrq(1, 2), PptpFixtures.Ocrp(3, 1, 1), PptpFixtures.Icrq(3, 4),
                PptpFixtures.Icrp(1, 3, 1), PptpFixtures.Iccn(1), PptpFixtures.Ccrq(1), PptpFixtures.Cdn(3),
                PptpFixtures.Wen(1), PptpFixtures.Sli(3),
            };
            int[] lengths = { 156, 156, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24 };
            for (int i = 0; i < messages.Length; i++)
            {
                PptpControlMessage message;
                Assert.AreEqual(WireStatus.Ok, PptpControlMessage.TryParse(messages[i], 0, messages[i].Length, out message), "message " + i);
                Assert.AreEqual(lengths[i], message.MessageLength);
            }
        }

        [TestMethod]
        public void Fixtures_Segment_HasValidChecksumsAndCarriesThePayload()
        {
            byte[] payload = PptpFixtures.Ocrq(0x1234, 1);
            byte[] packet = PptpFixtures.TcpSegment(PptpFixtures.LanAddress(10), PptpFixtures.ServerAddress, 40000, 1723, 1000, 2000, false, true, payload);
            CollectionAssert.AreEqual(payload, PptpFixtures.CheckedPayload(packet));
        }
    }
}
