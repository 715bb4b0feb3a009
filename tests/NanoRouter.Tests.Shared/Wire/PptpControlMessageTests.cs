using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>The PPTP control message view (RFC 2637 section 2) on scapy fixtures, in a TCP byte stream.</summary>
    [TestClass]
    public class PptpControlMessageTests
    {
        [TestMethod]
        [DataRow(1, 156, -1, -1)]
        [DataRow(2, 156, -1, -1)]
        [DataRow(3, 16, -1, -1)]
        [DataRow(4, 16, -1, -1)]
        [DataRow(5, 16, -1, -1)]
        [DataRow(6, 20, -1, -1)]
        [DataRow(7, 168, 0x1111, -1)]
        [DataRow(8, 32, 0x2222, 0x1111)]
        [DataRow(9, 220, 0x6666, -1)]
        [DataRow(10, 24, 0x7777, 0x6666)]
        [DataRow(11, 28, -1, 0x3333)]
        [DataRow(12, 16, 0x1111, -1)]
        [DataRow(13, 148, 0x4444, -1)]
        [DataRow(14, 40, -1, 0x8888)]
        [DataRow(15, 24, -1, 0x5555)]
        public void TryParse_EveryControlMessageType_LengthAndCallIds(int type, int length, int callId, int peerCallId)
        {
            byte[] bytes = Fixtures.AllPptp[type - 1];

            Assert.AreEqual(WireStatus.Ok, PptpControlMessage.TryParse(bytes, 0, bytes.Length, out PptpControlMessage message));
            Assert.AreEqual(type, (int)message.ControlMessageType);
            Assert.AreEqual(length, message.MessageLength);
            Assert.AreEqual(length, PptpControlMessage.ExpectedLength((ushort)type));
            Assert.AreEqual((ushort)1, message.MessageType);
            Assert.AreEqual(0x1A2B3C4Du, message.MagicCookie);
            Assert.AreEqual(callId >= 0, message.TryGetCallId(out ushort actualCallId));
            Assert.AreEqual(callId >= 0 ? callId : 0, (int)actualCallId);
            Assert.AreEqual(peerCallId >= 0, message.TryGetPeerCallId(out ushort actualPeerCallId));
            Assert.AreEqual(peerCallId >= 0 ? peerCallId : 0, (int)actualPeerCallId);
        }

        [TestMethod]
        public void TryGetCallIdOffsets_OutgoingCallReply_RfcOffsetsInBuffer()
        {
            byte[] stream = Oracle.Concat(new byte[] { 0xEE, 0xEE, 0xEE }, Fixtures.PptpOutgoingCallReply);

            Assert.AreEqual(WireStatus.Ok, PptpControlMessage.TryParse(stream, 3, stream.Length - 3, out PptpControlMessage message));
            Assert.IsTrue(message.TryGetCallIdOffset(out int callIdAt));
            Assert.IsTrue(message.TryGetPeerCallIdOffset(out int peerCallIdAt));
            Assert.AreEqual(3 + 12, callIdAt);
            Assert.AreEqual(3 + 14, peerCallIdAt);
        }

        [TestMethod]
        public void TryParse_CoalescedMessages_StepsThroughTheStream()
        {
            byte[] stream = Oracle.Concat(Oracle.Concat(Fixtures.PptpOutgoingCallRequest, Fixtures.PptpOutgoingCallReply), Fixtures.PptpSetLinkInfo);
            int offset = 0;
            int count = 0;
            int[] types = new int[3];
            while (offset < stream.Length)
            {
                Assert.AreEqual(WireStatus.Ok, PptpControlMessage.TryParse(stream, offset, stream.Length - offset, out PptpControlMessage message));
                types[count++] = (int)message.ControlMessageType;
                offset += message.MessageLength;
            }

            Assert.AreEqual(stream.Length, offset);
            CollectionAssert.AreEqual(new[] { 7, 8, 15 }, types);
        }

        [TestMethod]
        public void TryParse_EveryPrefix_Incomplete()
        {
            foreach (byte[] bytes in Fixtures.AllPptp)
            {
                for (int length = 0; length < bytes.Length; length++)
                {
                    Assert.AreEqual(WireStatus.Incomplete, PptpControlMessage.TryParse(bytes, 0, length, out PptpControlMessage _));
                }
            }
        }

        [TestMethod]
        [DataRow(0, (int)WireStatus.UnknownMessageType)]   // PPTP message type 2 (management)
        [DataRow(1, (int)WireStatus.BadMagicCookie)]
        [DataRow(2, (int)WireStatus.UnknownMessageType)]   // control message type 16
        [DataRow(3, (int)WireStatus.UnknownMessageType)]   // control message type 0
        [DataRow(4, (int)WireStatus.BadLength)]            // length one more than the type's size
        public void TryParse_BrokenHeader_Rejected(int breakage, int expected)
        {
            byte[] bytes = Fixtures.PptpOutgoingCallReply;
            switch (breakage)
            {
                case 0: bytes[3] = 2; break;
                case 1: bytes[7] = 0x4E; break;
                case 2: bytes[9] = 16; break;
                case 3: bytes[9] = 0; break;
                case 4: bytes[1] = 33; break;
            }

            Assert.AreEqual((WireStatus)expected, PptpControlMessage.TryParse(bytes, 0, bytes.Length, out PptpControlMessage _));
        }

        [TestMethod]
        public void TryParse_ScapyDefaultIncomingCallReply_BadLength()
        {
            // scapy 2.5.0 fills 148 into the length of its 24-byte Incoming-Call-Reply; RFC 2637 says 24.
            byte[] bytes = Fixtures.ScapyDefaultIncomingCallReply;

            Assert.AreEqual(WireStatus.BadLength, PptpControlMessage.TryParse(bytes, 0, bytes.Length, out PptpControlMessage _));
        }

        [TestMethod]
        public void CallIdRewrite_InTcpSegment_ChecksumValidByOracle()
        {
            // An Outgoing-Call-Request from a LAN client; the NAT rewrites its Call ID in the TCP data.
            byte[] packet = Oracle.Tcp(0xC0A80402, 0xC612000A, 50000, 1723, 1, 1, 0x18, 1000, 0, new byte[0], Fixtures.PptpOutgoingCallRequest);
            TcpSegment tcp = TcpSegmentTests.Parse(packet, out IPv4Packet ip);
            Assert.AreEqual(WireStatus.Ok, PptpControlMessage.TryParse(packet, tcp.PayloadOffset, tcp.PayloadLength, out PptpControlMessage message));
            Assert.IsTrue(message.TryGetCallIdOffset(out int callIdAt));

            Assert.IsTrue(tcp.WriteUInt16WithChecksumUpdate(callIdAt, 0x9999));

            Assert.IsTrue(Oracle.Reparse(packet).ValidTcpChecksum);
            Assert.IsTrue(message.TryGetCallId(out ushort callId));
            Assert.AreEqual((ushort)0x9999, callId);
        }
    }
}
