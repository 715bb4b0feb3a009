using System;
using NanoRouter.Core.Passthrough;
using NanoRouter.Tests.Support;
using static NanoRouter.Tests.Passthrough.PptpFixtures;

namespace NanoRouter.Tests.Passthrough
{
    /// <summary>
    /// PptpTracker against RFC 2637 message fixtures in TCP segments built by the test oracle; every
    /// segment that leaves the tracker has its TCP checksum checked by the oracle (and PacketDotNet, on the host).
    /// </summary>
    [TestClass]
    public class PptpTrackerTests
    {
        private const int HostA = 10;
        private const int HostB = 11;
        private const ushort ClientCallId = 0x1234;

        private static PptpConnectionDriver Connect(PptpTracker tracker, int key, int host, uint server = ServerAddress)
        {
            var driver = new PptpConnectionDriver(tracker, key, host, server, (ushort)(40000 + key), 0xFFFFFF00u + (uint)key, 0x7FFFFFF0u + (uint)(key * 1000));
            driver.Handshake();
            CollectionAssert.AreEqual(Sccrq(), driver.Out(Sccrq()));
            CollectionAssert.AreEqual(Sccrp(), driver.In(Sccrp()));
            return driver;
        }

        /// <summary>A call from host A with ClientCallId established, so a second client with the same ID must be remapped.</summary>
        private static PptpConnectionDriver EstablishA(PptpTracker tracker, ushort pacCallId = 0x0040)
        {
            PptpConnectionDriver a = Connect(tracker, 7, HostA);
            CollectionAssert.AreEqual(Ocrq(ClientCallId, 1), a.Out(Ocrq(ClientCallId, 1)));
            CollectionAssert.AreEqual(Ocrp(pacCallId, ClientCallId, 1), a.In(Ocrp(pacCallId, ClientCallId, 1)));
            return a;
        }

        [TestMethod]
        public void OnSegment_SingleClient_KeepsCallIdAndMapsGre()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver a = EstablishA(tracker);
            Assert.AreEqual(PptpStatus.Ok, a.LastStatus);
            Assert.AreEqual(1, tracker.ActiveCalls);
            Assert.AreEqual(1, tracker.ActiveConnections);
            Assert.IsTrue(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 101));
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0040, 101));
            Assert.IsFalse(tracker.TryOutboundGre(HostA, OtherServerAddress, 0x0040, 101));
            Assert.IsFalse(tracker.TryOutboundGre(HostA, ServerAddress, 0x0041, 101));
            int host;
            ushort original;
            Assert.IsTrue(tracker.TryInboundGre(ServerAddress, ClientCallId, out host, out original, 101));
            Assert.AreEqual(HostA, host);
            Assert.AreEqual(ClientCallId, original);
            Assert.IsFalse(tracker.TryInboundGre(OtherServerAddress, ClientCallId, out host, out original, 101));
        }

        [TestMethod]
        public void OnSegment_TwoClientsSameCallId_GetDistinctExternalIdsAndGreMapsBack()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver a = EstablishA(tracker, 0x0040);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);

            byte[] sent = b.Out(Ocrq(ClientCallId, 1));
            ushort external = Get16(sent, 12);
            Assert.AreNotEqual(ClientCallId, external, "B's call must not collide with A's at the server");
            CollectionAssert.AreEqual(Ocrq(external, 1), sent, "only the Call ID changes");

            // The server answers B with B's external ID; B must see its own ID back.
            CollectionAssert.AreEqual(Ocrp(0x0041, ClientCallId, 1), b.In(Ocrp(0x0041, external, 1)));
            Assert.AreEqual(2, tracker.ActiveCalls);

            int host;
            ushort original;
            Assert.IsTrue(tracker.TryInboundGre(ServerAddress, ClientCallId, out host, out original, 101));
            Assert.AreEqual(HostA, host);
            Assert.AreEqual(ClientCallId, original);
            Assert.IsTrue(tracker.TryInboundGre(ServerAddress, external, out host, out original, 101));
            Assert.AreEqual(HostB, host);
            Assert.AreEqual(ClientCallId, original);
            Assert.IsTrue(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 101));
            Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));
            Assert.IsFalse(tracker.TryOutboundGre(HostA, ServerAddress, 0x0041, 101));

            // A third client to another server keeps its ID: uniqueness is per server.
            PptpConnectionDriver c = Connect(tracker, 9, 12, OtherServerAddress);
            CollectionAssert.AreEqual(Ocrq(ClientCallId, 1), c.Out(Ocrq(ClientCallId, 1)));
        }

        [TestMethod]
        public void OnSegment_ServerGivesBothClientsTheSamePacCallId_OutboundGreStillPerHost()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker, 0x0040);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            ushort external = Get16(b.Out(Ocrq(ClientCallId, 1)), 12);
            b.In(Ocrp(0x0040, external, 1));
            Assert.IsTrue(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 101));
            Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0040, 101));
        }

        [TestMethod]
        public void TryQuotedOutboundGre_FindsTheHostByServerAndPacCallId_UnlessAmbiguous()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker, 0x0040);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            ushort external = Get16(b.Out(Ocrq(ClientCallId, 1)), 12);
            int host;
            Assert.IsTrue(tracker.TryQuotedOutboundGre(ServerAddress, 0x0040, out host));
            Assert.AreEqual(HostA, host);
            Assert.IsFalse(tracker.TryQuotedOutboundGre(ServerAddress, 0x0041, out host), "B's call is not established yet");
            b.In(Ocrp(0x0041, external, 1));
            Assert.IsTrue(tracker.TryQuotedOutboundGre(ServerAddress, 0x0041, out host));
            Assert.AreEqual(HostB, host);
            Assert.IsFalse(tracker.TryQuotedOutboundGre(OtherServerAddress, 0x0041, out host));

            // A server that gives both clients PAC Call ID 0x0042: the error cannot be placed.
            PptpConnectionDriver c = Connect(tracker, 9, 12);
            PptpConnectionDriver d = Connect(tracker, 10, 13);
            c.In(Ocrp(0x0042, Get16(c.Out(Ocrq(0x0500, 1)), 12), 1));
            d.In(Ocrp(0x0042, Get16(d.Out(Ocrq(0x0600, 1)), 12), 1));
            Assert.IsFalse(tracker.TryQuotedOutboundGre(ServerAddress, 0x0042, out host));

            // Ending a call takes it out of this index too.
            b.In(Cdn(0x0041));
            Assert.IsFalse(tracker.TryQuotedOutboundGre(ServerAddress, 0x0041, out host));
            c.Out(StopCcrq());
            Assert.IsTrue(tracker.TryQuotedOutboundGre(ServerAddress, 0x0042, out host));
            Assert.AreEqual(13, host);
        }

        [TestMethod]
        public void OnSegment_ManyClientsSameCallId_AllExternalIdsDistinct()
        {
            var tracker = new PptpTracker(16, 16);
            var seen = new bool[65536];
            for (int k = 0; k < 16; k++)
            {
                PptpConnectionDriver d = Connect(tracker, 100 + k, 20 + k);
                ushort external = Get16(d.Out(Ocrq(0x00FE, 1)), 12);
                Assert.IsFalse(seen[external], "external ID reused: " + external);
                seen[external] = true;
                Assert.AreEqual(0x00, external >> 8, "the high byte is kept");
            }

            Assert.AreEqual(16, tracker.ActiveCalls);
        }

        [TestMethod]
        public void OnSegment_OcrqSplitAtEveryPoint_RewrittenAsWhole()
        {
            byte[] ocrq = Ocrq(ClientCallId, 5);
            for (int split = 1; split < ocrq.Length; split++)
            {
                var tracker = new PptpTracker(4, 8);
                EstablishA(tracker);
                PptpConnectionDriver b = Connect(tracker, 8, HostB);
                byte[] first = b.Out(Slice(ocrq, 0, split));
                Assert.AreEqual(PptpStatus.Ok, b.LastStatus, "split " + split);
                byte[] second = b.Out(Slice(ocrq, split, ocrq.Length - split));
                Assert.AreEqual(PptpStatus.Ok, b.LastStatus, "split " + split);
                byte[] whole = Concat(first, second);
                Assert.AreEqual(ClientCallId + 1, (int)Get16(whole, 12), "split " + split);
                CollectionAssert.AreEqual(Ocrq((ushort)(ClientCallId + 1), 5), whole, "split " + split);

                // And the reply maps back, also split wherever.
                byte[] ocrp = Ocrp(0x0041, ClientCallId + 1, 1);
                int replySplit = split % ocrp.Length == 0 ? 1 : split % ocrp.Length;
                byte[] reply = Concat(b.In(Slice(ocrp, 0, replySplit)), b.In(Slice(ocrp, replySplit, ocrp.Length - replySplit)));
                CollectionAssert.AreEqual(Ocrp(0x0041, ClientCallId, 1), reply, "reply split " + replySplit);
                Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101), "split " + split);
            }
        }

        [TestMethod]
        public void OnSegment_OcrpSplitAtEveryPoint_PeerCallIdMapsBackAndPacIdRecorded()
        {
            for (int split = 1; split < 32; split++)
            {
                var tracker = new PptpTracker(4, 8);
                EstablishA(tracker);
                PptpConnectionDriver b = Connect(tracker, 8, HostB);
                b.Out(Ocrq(ClientCallId, 1));
                byte[] ocrp = Ocrp(0x0141, ClientCallId + 1, 1);
                byte[] reply = Concat(b.In(Slice(ocrp, 0, split)), b.In(Slice(ocrp, split, 32 - split)));
                CollectionAssert.AreEqual(Ocrp(0x0141, ClientCallId, 1), reply, "split " + split);
                Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0141, 101), "split " + split);
            }
        }

        [TestMethod]
        public void OnSegment_CoalescedMessages_RewrittenAtTheirOffsets()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            var b = new PptpConnectionDriver(tracker, 8, HostB, ServerAddress, 40008, 5000, 9000);
            b.Handshake();

            // SCCRQ and OCRQ in one segment, then SCCRP, OCRP and an Echo-Request in one.
            byte[] sent = b.Out(Concat(Sccrq(), Ocrq(ClientCallId, 1)));
            CollectionAssert.AreEqual(Concat(Sccrq(), Ocrq(ClientCallId + 1, 1)), sent);
            byte[] received = b.In(Concat(Sccrp(), Ocrp(0x0041, ClientCallId + 1, 1), EchoRequest(9)));
            CollectionAssert.AreEqual(Concat(Sccrp(), Ocrp(0x0041, ClientCallId, 1), EchoRequest(9)), received);
            Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));

            // SLI, Echo-Reply and CCRQ coalesced: only the CCRQ's Call ID changes, and the call ends.
            byte[] tail = b.Out(Concat(Sli(0x0041), EchoReply(9), Ccrq(ClientCallId)));
            CollectionAssert.AreEqual(Concat(Sli(0x0041), EchoReply(9), Ccrq(ClientCallId + 1)), tail);
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));
            Assert.AreEqual(1, tracker.ActiveCalls);
        }

        [TestMethod]
        public void OnSegment_RandomSegmentation_SameResultAsOneMessagePerSegment()
        {
            byte[] clientStream = Concat(Sccrq(), Ocrq(ClientCallId, 1), Sli(0x0041), EchoRequest(1), Ccrq(ClientCallId), Ocrq(0x2200, 2), Icrp(0x3300, 0x0077, 1));
            byte[] serverStream = Concat(Sccrp(), Ocrp(0x0041, ClientCallId + 1, 1), EchoReply(1), Cdn(0x0041), Ocrp(0x0042, 0x2200, 1), Icrq(0x0077, 3), Iccn(0x3300), Wen(0x3300));

            // Reference: one message per segment.
            byte[] expectedOut = Concat(Sccrq(), Ocrq(ClientCallId + 1, 1), Sli(0x0041), EchoRequest(1), Ccrq(ClientCallId + 1), Ocrq(0x2200, 2), Icrp(0x3300, 0x0077, 1));
            byte[] expectedIn = Concat(Sccrp(), Ocrp(0x0041, ClientCallId, 1), EchoReply(1), Cdn(0x0041), Ocrp(0x0042, 0x2200, 1), Icrq(0x0077, 3), Iccn(0x3300), Wen(0x3300));

            // Each message may go only after the bytes of the other side it answers, as in a real
            // exchange: gates are offsets into the other side's stream.
            int[] clientLengths = { 156, 168, 24, 16, 16, 168, 24 };
            int[] clientGates = { 0, 156, 188, 188, 188, 356, 608 };
            int[] serverLengths = { 156, 32, 20, 148, 32, 220, 28, 40 };
            int[] serverGates = { 156, 324, 364, 380, 548, 548, 572, 572 };

            var random = new TestRandom(2637);
            for (int round = 0; round < 200; round++)
            {
                var tracker = new PptpTracker(4, 8);
                EstablishA(tracker);
                var b = new PptpConnectionDriver(tracker, 8, HostB, ServerAddress, 40008, random.NextUInt() >> 1, random.NextUInt() >> 1);
                b.Handshake();
                byte[] outData = new byte[0];
                byte[] inData = new byte[0];
                int outAt = 0;
                int inAt = 0;
                while (outAt < clientStream.Length || inAt < serverStream.Length)
                {
                    int outLimit = Limit(clientLengths, clientGates, inAt);
                    int inLimit = Limit(serverLengths, serverGates, outAt);
                    if (outAt < outLimit && (inAt >= inLimit || random.Below(2) == 0))
                    {
                        int n = Min(outLimit - outAt, 1 + random.Below(200));
                        outData = Concat(outData, b.Out(Slice(clientStream, outAt, n)));
                        outAt += n;
                    }
                    else
                    {
                        Assert.IsTrue(inAt < inLimit, "the exchange cannot deadlock");
                        int n = Min(inLimit - inAt, 1 + random.Below(200));
                        inData = Concat(inData, b.In(Slice(serverStream, inAt, n)));
                        inAt += n;
                    }

                    Assert.AreEqual(PptpStatus.Ok, b.LastStatus, "round " + round);
                }

                CollectionAssert.AreEqual(expectedOut, outData, "client stream, round " + round);
                CollectionAssert.AreEqual(expectedIn, inData, "server stream, round " + round);
                Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0042, 101), "round " + round);
                Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0077, 101), "round " + round);
                Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101), "round " + round);
            }
        }

        [TestMethod]
        public void OnSegment_IncomingCall_IcrpAllocatesIccnAndWenMapBack()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            CollectionAssert.AreEqual(Icrq(0x0050, 1), b.In(Icrq(0x0050, 1)));
            CollectionAssert.AreEqual(Icrp(ClientCallId + 1, 0x0050, 1), b.Out(Icrp(ClientCallId, 0x0050, 1)));
            CollectionAssert.AreEqual(Iccn(ClientCallId), b.In(Iccn(ClientCallId + 1)));
            CollectionAssert.AreEqual(Wen(ClientCallId), b.In(Wen(ClientCallId + 1)));
            CollectionAssert.AreEqual(Sli(0x0050), b.Out(Sli(0x0050)), "SLI from the PNS names the PAC's ID: unchanged");
            Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0050, 101));
            int host;
            ushort original;
            Assert.IsTrue(tracker.TryInboundGre(ServerAddress, ClientCallId + 1, out host, out original, 101));
            Assert.AreEqual(HostB, host);
            Assert.AreEqual(ClientCallId, original);

            // The PAC ends the call with CDN (its own ID): GRE state goes.
            CollectionAssert.AreEqual(Cdn(0x0050), b.In(Cdn(0x0050)));
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0050, 101));
            Assert.IsFalse(tracker.TryInboundGre(ServerAddress, ClientCallId + 1, out host, out original, 101));
        }

        [TestMethod]
        public void OnSegment_RejectedCalls_LeaveNoGreState()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            b.Out(Ocrq(ClientCallId, 1));
            // Result Code 4 (busy): the Peer's Call ID is still mapped back, and the call ends.
            CollectionAssert.AreEqual(Ocrp(0x0041, ClientCallId, 4), b.In(Ocrp(0x0041, ClientCallId + 1, 4)));
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));
            Assert.AreEqual(1, tracker.ActiveCalls);

            b.In(Icrq(0x0051, 2));
            b.Out(Icrp(0x5000, 0x0051, 3)); // Do Not Accept
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0051, 101));
            Assert.AreEqual(1, tracker.ActiveCalls);
        }

        [TestMethod]
        public void OnSegment_Retransmission_RewrittenIdentically()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            uint ocrqSeq = b.ClientSeq;
            byte[] ocrq = Ocrq(ClientCallId, 1);
            byte[] first = b.Out(ocrq);
            Assert.AreEqual(ClientCallId + 1, (int)Get16(first, 12));

            // Same segment again, then re-cut: a piece ending inside the Call ID and one covering the rest.
            CollectionAssert.AreEqual(first, b.OutAt(ocrqSeq, ocrq));
            Assert.AreEqual(PptpStatus.Ok, b.LastStatus);
            byte[] cut1 = b.OutAt(ocrqSeq, Slice(ocrq, 0, 13));
            byte[] cut2 = b.OutAt(ocrqSeq + 13, Slice(ocrq, 13, 155));
            CollectionAssert.AreEqual(first, Concat(cut1, cut2));

            // Old data plus new data in one segment: the old part from the log, the new part parsed.
            byte[] echo = EchoRequest(5);
            byte[] mixed = b.OutAt(ocrqSeq + 100, Concat(Slice(ocrq, 100, 68), echo));
            b.ClientSeq += (uint)echo.Length;
            CollectionAssert.AreEqual(Concat(Slice(first, 100, 68), echo), mixed);

            // The server's reply retransmitted: rewritten back the same way, and no duplicate call.
            uint ocrpSeq = b.ServerSeq;
            byte[] reply = b.In(Ocrp(0x0041, ClientCallId + 1, 1));
            CollectionAssert.AreEqual(reply, b.InAt(ocrpSeq, Ocrp(0x0041, ClientCallId + 1, 1)));
            CollectionAssert.AreEqual(Ocrp(0x0041, ClientCallId, 1), reply);
            Assert.AreEqual(2, tracker.ActiveCalls);
        }

        [TestMethod]
        public void OnSegment_SegmentAfterGap_PassedUnchangedThenFollowedWhenGapFills()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            uint start = b.ClientSeq;
            byte[] echo = EchoRequest(1);
            byte[] ocrq = Ocrq(ClientCallId, 1);

            // The OCRQ arrives before the Echo-Request that precedes it: cannot be placed.
            byte[] early = b.OutAt(start + 16, ocrq);
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            CollectionAssert.AreEqual(ocrq, early);
            Assert.AreEqual(1, tracker.UnfollowedSegments);
            Assert.AreEqual(1, tracker.ActiveCalls);

            // The gap fills, then TCP sends the OCRQ again: now it is followed.
            CollectionAssert.AreEqual(echo, b.OutAt(start, echo));
            Assert.AreEqual(PptpStatus.Ok, b.LastStatus);
            byte[] again = b.OutAt(start + 16, ocrq);
            Assert.AreEqual(PptpStatus.Ok, b.LastStatus);
            Assert.AreEqual(ClientCallId + 1, (int)Get16(again, 12));
        }

        [TestMethod]
        public void OnSegment_GapNeverFilled_NeverResynchronises()
        {
            // Issue 15: segments after a gap that TCP never fills are passed unchanged; a later one
            // that starts with a valid header is not taken for a message boundary.
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            uint seq = b.ClientSeq + 1000; // 1000 bytes this tracker never saw
            for (int i = 1; i < 6; i++)
            {
                b.OutAt(seq, EchoRequest((uint)i));
                Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
                seq += 16;
            }

            byte[] ocrq = Ocrq(ClientCallId, 1);
            CollectionAssert.AreEqual(ocrq, b.OutAt(seq, ocrq), "passed unchanged");
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            Assert.AreEqual(1, tracker.ActiveCalls, "A's call only");
        }

        [TestMethod]
        public void OnSegment_PickedUpMidStream_NeverFollowed()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            var b = new PptpConnectionDriver(tracker, 8, HostB, ServerAddress, 40008, 123456, 654321);
            // No SYN seen (the tracker was flushed while the connection was up): not followed from its start.
            b.Out(Slice(Sccrq(), 100, 56));
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            CollectionAssert.AreEqual(Ocrq(ClientCallId, 1), b.Out(Ocrq(ClientCallId, 1)));
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            b.In(Ocrp(0x0041, ClientCallId, 1));
            Assert.AreEqual(1, tracker.ActiveConnections, "no state for B at all");
            Assert.AreEqual(1, tracker.ActiveCalls);
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));
        }

        [TestMethod]
        public void OnSegment_BadCookie_PassedUnchangedCountedConnectionAbandoned()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            byte[] bad = Ocrq(ClientCallId, 1);
            bad[5] ^= 0xFF;
            CollectionAssert.AreEqual(bad, b.Out(bad));
            Assert.AreEqual(PptpStatus.PassedUnparsed, b.LastStatus);
            Assert.AreEqual(1, tracker.UnparsedMessages);
            Assert.AreEqual(1, tracker.AbandonedConnections);
            Assert.AreEqual(0, tracker.ActiveCalls);
            b.In(Ocrp(0x0041, ClientCallId, 1));
            AssertNoGre(tracker, ClientCallId, 0x0041);

            // After garbage nothing more of the connection is followed, not even a good OCRQ.
            CollectionAssert.AreEqual(Ocrq(0x0777, 2), b.Out(Ocrq(0x0777, 2)));
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            b.In(Ocrp(0x0042, 0x0777, 1));
            Assert.AreEqual(0, tracker.ActiveCalls);
            AssertNoGre(tracker, 0x0777, 0x0042);
        }

        [TestMethod]
        public void OnSegment_BadLengthOrUnknownType_ConnectionAbandonedItsCallsEnd()
        {
            // A header whose Length does not match its type, or an unknown type, is garbage too: the
            // connection is abandoned (its established call ends) instead of being skipped by length.
            byte[] badLength = Ocrq(ClientCallId, 1);
            Put16(badLength, 0, 100);
            byte[] unknown = Ccrq(ClientCallId);
            Put16(unknown, 8, 99);
            byte[][] garbage = { Slice(badLength, 0, 100), unknown };
            foreach (byte[] bad in garbage)
            {
                var tracker = new PptpTracker(4, 8);
                EstablishA(tracker);
                PptpConnectionDriver b = Connect(tracker, 8, HostB);
                b.Out(Ocrq(0x0100, 1));
                b.In(Ocrp(0x0041, 0x0100, 1));
                Assert.AreEqual(2, tracker.ActiveCalls);

                byte[] stream = Concat(bad, Ocrq(ClientCallId, 1));
                CollectionAssert.AreEqual(stream, b.Out(stream), "passed unchanged");
                Assert.AreEqual(PptpStatus.PassedUnparsed, b.LastStatus);
                Assert.AreEqual(1, tracker.UnparsedMessages);
                Assert.AreEqual(1, tracker.ActiveCalls, "B's call ended with its connection; A's stays");
                Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));
                Assert.IsTrue(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 101));
            }
        }

        [TestMethod]
        public void OnSegment_EveryPrefixOfEveryMessage_NeverThrowsNorCreatesGreState()
        {
            byte[][] messages =
            {
                Ocrq(ClientCallId, 1), Ocrp(0x0041, ClientCallId, 1), Icrq(0x0041, 1), Icrp(ClientCallId, 0x0041, 1),
                Iccn(ClientCallId), Ccrq(ClientCallId), Cdn(0x0041), Wen(ClientCallId), Sli(0x0041), Sccrq(), StopCcrq(),
            };
            foreach (byte[] message in messages)
            {
                for (int n = 0; n < message.Length; n++)
                {
                    var tracker = new PptpTracker(2, 4);
                    PptpConnectionDriver b = Connect(tracker, 8, HostB);
                    b.Out(Slice(message, 0, n));
                    b.In(Slice(message, 0, n));
                    AssertNoGre(tracker, ClientCallId, 0x0041);
                }
            }
        }

        [TestMethod]
        public void OnSegment_RandomPayloadsAndPackets_NeverThrowNorCreateGreState()
        {
            var random = new TestRandom(1723);
            var tracker = new PptpTracker(8, 8, 8, 8);
            for (int round = 0; round < 300; round++)
            {
                var b = new PptpConnectionDriver(tracker, round % 6, HostB, ServerAddress, 40008, random.NextUInt() >> 1, random.NextUInt() >> 1);
                if (round % 2 == 0)
                {
                    b.Handshake();
                }

                for (int k = 0; k < 4; k++)
                {
                    byte[] junk = new byte[random.Between(0, 399)];
                    random.Fill(junk);
                    if (junk.Length >= 8 && random.Below(2) == 0)
                    {
                        Put32(junk, 4, 0x1A2B3C4D); // a real cookie makes the junk get further
                        Put16(junk, 2, 1);
                    }

                    CollectionAssert.AreEqual(junk, random.Below(2) == 0 ? b.Out(junk) : b.In(junk));
                }
            }

            // Whole packets of random bytes, and valid-looking headers with lies in them.
            var packet = new byte[1600];
            for (int round = 0; round < 2000; round++)
            {
                int length = random.Between(0, packet.Length);
                random.Fill(packet);
                if (round % 3 == 0 && length >= 40)
                {
                    packet[0] = 0x45;
                    packet[9] = 6;
                    packet[2] = (byte)(length >> 8);
                    packet[3] = (byte)length;
                    packet[6] = 0;
                    packet[7] = 0;
                }

                tracker.OnSegment(packet, length, round % 5, HostB, ServerAddress, round % 2 == 0, 100);
            }

            tracker.OnSegment(null, 0, 1, HostB, ServerAddress, true, 100);
            tracker.OnSegment(packet, -1, 1, HostB, ServerAddress, true, 100);
            tracker.OnSegment(packet, 100000, 1, HostB, ServerAddress, true, 100);
            for (int id = 0; id < 65536; id += 97)
            {
                Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, (ushort)id, 100));
                int host;
                ushort original;
                Assert.IsFalse(tracker.TryInboundGre(ServerAddress, (ushort)id, out host, out original, 100));
            }
        }

        [TestMethod]
        public void OnSegment_CallTableFull_NoStatePassedUnchanged()
        {
            var tracker = new PptpTracker(4, 1);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            byte[] ocrq = Ocrq(ClientCallId, 1);
            CollectionAssert.AreEqual(ocrq, b.Out(ocrq));
            Assert.AreEqual(PptpStatus.NoState, b.LastStatus);
            Assert.AreEqual(1, tracker.NoStateEvents);
            Assert.AreEqual(1, tracker.ActiveCalls);
        }

        [TestMethod]
        public void OnSegment_ConnectionTableFull_NoState()
        {
            var tracker = new PptpTracker(1, 4);
            EstablishA(tracker);
            var b = new PptpConnectionDriver(tracker, 8, HostB, ServerAddress, 40008, 1, 2);
            Assert.AreEqual(PptpStatus.NoState, b.Syn(), "the client's SYN finds no room");
            b.Out(Sccrq());
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            Assert.AreEqual(1, tracker.ActiveConnections);
        }

        [TestMethod]
        public void Lifecycle_CcrqCdnStopFlushExpireAndClose_RemoveState()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver a = EstablishA(tracker, 0x0040);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            b.Out(Ocrq(0x0100, 1));
            b.In(Ocrp(0x0041, 0x0100, 1));
            b.Out(Ocrq(0x0200, 2));
            b.In(Ocrp(0x0042, 0x0200, 1));
            Assert.AreEqual(3, tracker.ActiveCalls);

            // Stop-Control-Connection ends all of B's calls, not A's.
            b.Out(StopCcrq());
            Assert.AreEqual(1, tracker.ActiveCalls);
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));
            Assert.IsTrue(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 101));

            // Closing the connection forgets it; the other stays.
            tracker.OnConnectionClosed(b.Key);
            Assert.AreEqual(1, tracker.ActiveConnections);
            tracker.OnConnectionClosed(12345);
            Assert.AreEqual(1, tracker.ActiveConnections);

            // Expiry: GRE at 101 refreshed A's call, not its control connection (last segment at 100):
            // idle 60 s at 160 keeps both, at 161 the connection goes and the call with it, GRE or not.
            tracker.Expire(160, 60);
            Assert.AreEqual(1, tracker.ActiveCalls);
            Assert.IsTrue(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 160));
            tracker.Expire(161, 60);
            Assert.AreEqual(0, tracker.ActiveCalls);
            Assert.AreEqual(0, tracker.ActiveConnections);
            AssertNoGre(tracker, ClientCallId, 0x0040);

            // Flush forgets everything, and a fresh connection works after it.
            PptpConnectionDriver c = EstablishA(tracker, 0x0043);
            Assert.AreEqual(1, tracker.ActiveCalls);
            tracker.Flush();
            Assert.AreEqual(0, tracker.ActiveCalls);
            Assert.AreEqual(0, tracker.ActiveConnections);
            AssertNoGre(tracker, ClientCallId, 0x0043);
            c.Out(EchoRequest(1));
        }

        [TestMethod]
        public void Lifecycle_ClientClearsCall_CcrqRewrittenAndCallEnds()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            b.Out(Ocrq(ClientCallId, 1));
            b.In(Ocrp(0x0041, ClientCallId + 1, 1));
            CollectionAssert.AreEqual(Ccrq(ClientCallId + 1), b.Out(Ccrq(ClientCallId)));
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101));
            Assert.AreEqual(1, tracker.ActiveCalls);

            // The freed external ID goes to the next call that wants it.
            PptpConnectionDriver c = Connect(tracker, 9, 12);
            Assert.AreEqual(ClientCallId + 1, (int)Get16(c.Out(Ocrq(ClientCallId, 1)), 12));
        }

        [TestMethod]
        public void Lifecycle_KeyReusedByAnotherHostOrNewSyn_OldCallsGone()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver a = EstablishA(tracker, 0x0040);
            // The engine reuses key 7 for a new connection of host B.
            PptpConnectionDriver b = Connect(tracker, 7, HostB);
            Assert.IsFalse(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 101));
            Assert.AreEqual(0, tracker.ActiveCalls);
            b.Out(Ocrq(ClientCallId, 1));
            b.In(Ocrp(0x0044, ClientCallId, 1));

            // Same host, same key, new SYN with a new ISN: a new connection.
            var again = new PptpConnectionDriver(tracker, 7, HostB, ServerAddress, 40007, 999, 888);
            again.Handshake();
            Assert.AreEqual(0, tracker.ActiveCalls);
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0044, 101));
        }

        [TestMethod]
        public void OnSegmentAndGre_AfterWarmUp_AllocateNothing()
        {
            var tracker = new PptpTracker(4, 8);
            EstablishA(tracker);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            uint client = LanAddress(HostB);
            uint seq = b.ClientSeq;
            // Prebuilt segments: an OCRQ, its retransmission, a gap segment, and a CCRQ.
            byte[] ocrq = TcpSegment(client, ServerAddress, 40008, 1723, seq, b.ServerSeq, false, true, Ocrq(ClientCallId, 1));
            byte[] original0 = (byte[])ocrq.Clone();
            byte[] gap = TcpSegment(client, ServerAddress, 40008, 1723, seq + 5000, b.ServerSeq, false, true, EchoRequest(1));
            byte[] ccrq = TcpSegment(client, ServerAddress, 40008, 1723, seq + 168, b.ServerSeq, false, true, Ccrq(ClientCallId));
            int host;
            ushort original;
            var work = new byte[ocrq.Length];
            tracker.OnSegment(ocrq, ocrq.Length, 8, HostB, ServerAddress, true, 100);
            long before = Platform.AllocatedBytes();
            for (int i = 0; i < 1000; i++)
            {
                // The OCRQ retransmitted as first sent (TCP resends the sender's bytes).
                Array.Copy(original0, 0, work, 0, work.Length);
                tracker.OnSegment(work, work.Length, 8, HostB, ServerAddress, true, 100);
                if (i < 2)
                {
                    tracker.OnSegment(gap, gap.Length, 8, HostB, ServerAddress, true, 100);
                }

                tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 100);
                tracker.TryInboundGre(ServerAddress, ClientCallId, out host, out original, 100);
            }

            tracker.OnSegment(ccrq, ccrq.Length, 8, HostB, ServerAddress, true, 100);
            Assert.AreEqual(0L, Platform.AllocatedBytes() - before, "allocated (counted where the platform counts: .NET)");
            Assert.AreEqual(ClientCallId + 1, (int)Get16(work, 40 + 12), "the retransmission was rewritten");
            Assert.AreEqual(1, tracker.ActiveCalls, "the CCRQ was followed and ended B's call");
        }

        private static int Min(int a, int b)
        {
            return a < b ? a : b;
        }

        /// <summary>How many bytes of a stream of messages may go once the other side sent <paramref name="otherSent"/> bytes.</summary>
        private static int Limit(int[] lengths, int[] gates, int otherSent)
        {
            int limit = 0;
            for (int m = 0; m < gates.Length && gates[m] <= otherSent; m++)
            {
                limit += lengths[m];
            }

            return limit;
        }

        private static void AssertNoGre(PptpTracker tracker, ushort pnsCallId, ushort pacCallId)
        {
            int host;
            ushort original;
            Assert.IsFalse(tracker.TryInboundGre(ServerAddress, pnsCallId, out host, out original, 101));
            Assert.IsFalse(tracker.TryInboundGre(ServerAddress, (ushort)(pnsCallId + 1), out host, out original, 101));
            Assert.IsFalse(tracker.TryOutboundGre(HostA, ServerAddress, pacCallId, 101));
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, pacCallId, 101));
        }
    }
}
