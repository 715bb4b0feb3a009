using NanoRouter.Core.Passthrough;
using NanoRouter.Tests.Support;
using static NanoRouter.Tests.Passthrough.PptpFixtures;

namespace NanoRouter.Tests.Passthrough
{
    /// <summary>
    /// The PPTP tracker against the attacks of issue 15, item 2: a TCP connection to port 1723 that is
    /// not PPTP (an HTTP POST whose body holds an Outgoing-Call-Request, with the request at a segment
    /// start, split inside the Call ID, or after junk), bytes injected beyond the TCP window, calls that
    /// outlive their control connection, and one LAN host filling the tables. The tracker follows a
    /// control connection only from its SYN and its Start-Control-Connection-Request, only in-sequence,
    /// in-window bytes with a right checksum, abandons a connection after garbage, ends calls with their
    /// connection, and holds each LAN host to a share of its tables.
    /// </summary>
    [TestClass]
    public class PptpHardeningTests
    {
        private const int HostA = 10;
        private const int HostB = 11;
        private const ushort ClientCallId = 0x1234;
        private const ushort AttackerPacCallId = 0x0666;

        /// <summary>"POST /upload HTTP/1.1" with headers announcing a 168-byte body: what a browser sends first.</summary>
        private static byte[] HttpPostHeader()
        {
            string text = "POST /upload HTTP/1.1\r\nHost: 198.18.0.1:1723\r\nContent-Type: application/octet-stream\r\nContent-Length: 168\r\n\r\n";
            var bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                bytes[i] = (byte)text[i];
            }

            return bytes;
        }

        private static PptpConnectionDriver Handshaken(PptpTracker tracker, int key, int host)
        {
            var driver = new PptpConnectionDriver(tracker, key, host, ServerAddress, (ushort)(40000 + key), 0x10000000u + (uint)key, 0x60000000u + (uint)key);
            driver.Handshake();
            return driver;
        }

        private static PptpConnectionDriver Connect(PptpTracker tracker, int key, int host)
        {
            PptpConnectionDriver driver = Handshaken(tracker, key, host);
            driver.Out(Sccrq());
            driver.In(Sccrp());
            return driver;
        }

        /// <summary>The attacker's server answers the smuggled request, then sends GRE to the Call ID it saw.</summary>
        private static void AssertAttackerGetsNoCall(PptpTracker tracker, PptpConnectionDriver driver, string because)
        {
            driver.In(Ocrp(AttackerPacCallId, ClientCallId, 1));
            int host;
            ushort original;
            Assert.IsFalse(tracker.TryInboundGre(ServerAddress, ClientCallId, out host, out original, 101), because + ": GRE to the LAN host");
            Assert.IsFalse(tracker.TryOutboundGre(driver.LanHost, ServerAddress, AttackerPacCallId, 101), because + ": GRE from it");
            Assert.AreEqual(0, tracker.ActiveCalls, because + ": no call");
        }

        [DataRow("start")]
        [DataRow("split")]
        [DataRow("junk")]
        [TestMethod]
        public void HttpPost_OcrqInTheBody_NoCall(string variant)
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Handshaken(tracker, 8, HostB);
            b.Out(HttpPostHeader());
            byte[] ocrq = Ocrq(ClientCallId, 1);
            if (variant == "split")
            {
                b.Out(Slice(ocrq, 0, 13));
                b.Out(Slice(ocrq, 13, ocrq.Length - 13));
            }
            else
            {
                if (variant == "junk")
                {
                    var random = new TestRandom(80);
                    for (int i = 0; i < 4; i++)
                    {
                        var junk = new byte[1 + random.Below(300)];
                        random.Fill(junk);
                        b.Out(junk);
                    }
                }

                CollectionAssert.AreEqual(ocrq, b.Out(ocrq), "passed unchanged");
            }

            Assert.AreEqual(1, tracker.AbandonedConnections, "the request line is no Start-Control-Connection-Request");
            AssertAttackerGetsNoCall(tracker, b, variant);
        }

        [TestMethod]
        public void FirstMessage_NotAStartControlConnectionRequest_ConnectionAbandoned()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Handshaken(tracker, 8, HostB);
            b.Out(Ocrq(ClientCallId, 1));
            Assert.AreEqual(PptpStatus.PassedUnparsed, b.LastStatus);
            AssertAttackerGetsNoCall(tracker, b, "OCRQ first");

            // The server's first message must be a Start-Control-Connection-Reply.
            PptpConnectionDriver c = Handshaken(tracker, 9, 12);
            c.Out(Sccrq());
            c.In(EchoRequest(1));
            Assert.AreEqual(2, tracker.AbandonedConnections);
            c.Out(Ocrq(ClientCallId, 1));
            AssertAttackerGetsNoCall(tracker, c, "server spoke no SCCRP");
        }

        [TestMethod]
        public void JunkAfterAGoodStart_ConnectionAbandonedNoResync()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            var random = new TestRandom(81);
            for (int i = 0; i < 3; i++)
            {
                var junk = new byte[16 + random.Below(100)];
                random.Fill(junk);
                b.Out(junk);
            }

            Assert.AreEqual(1, tracker.AbandonedConnections);
            b.Out(Ocrq(ClientCallId, 1));
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            AssertAttackerGetsNoCall(tracker, b, "after junk");
        }

        [TestMethod]
        public void JunkSegmentsAfterAGap_ThenAnOcrq_NoResync()
        {
            // The old resynchronisation: after a few segments that could not be placed, a segment
            // starting with a valid header became the new message boundary.
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            uint seq = b.ClientSeq + 5000;
            var random = new TestRandom(82);
            for (int i = 0; i < 4; i++)
            {
                var junk = new byte[50];
                random.Fill(junk);
                b.OutAt(seq, junk);
                seq += 50;
            }

            b.OutAt(seq, Ocrq(ClientCallId, 1));
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            AssertAttackerGetsNoCall(tracker, b, "after a gap");
        }

        [TestMethod]
        public void Ocrq_100000BytesBeyondTheWindow_NotFollowed()
        {
            // The server acknowledged everything and advertised 64,240 bytes: 100,000 bytes ahead lies
            // beyond its window (and after a gap); the server never takes it.
            // The attacker sends a few Echo-Requests there first (the old tracker resynchronised after
            // three segments it could not place), then the OCRQ.
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            uint seq = b.ClientSeq + 100000;
            for (int i = 0; i < 3; i++)
            {
                b.OutAt(seq, EchoRequest((uint)i));
                seq += 16;
            }

            CollectionAssert.AreEqual(Ocrq(ClientCallId, 1), b.OutAt(seq, Ocrq(ClientCallId, 1)));
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            AssertAttackerGetsNoCall(tracker, b, "100,000 bytes ahead");
        }

        [TestMethod]
        public void Ocrq_InSequenceButBeyondTheReceiversWindow_NotFollowedUntilTheWindowOpens()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);

            // 4,015 Echo-Requests fill the server's 64,240-byte window exactly.
            var echoes = new byte[64240];
            for (int i = 0; i < echoes.Length / 16; i++)
            {
                System.Array.Copy(EchoRequest((uint)i), 0, echoes, i * 16, 16);
            }

            b.Out(echoes);
            Assert.AreEqual(PptpStatus.Ok, b.LastStatus);
            uint ocrqSeq = b.ClientSeq;
            byte[] ocrq = Ocrq(ClientCallId, 1);
            CollectionAssert.AreEqual(ocrq, b.Out(ocrq), "in sequence, beyond the window: passed unchanged");
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            Assert.AreEqual(0, tracker.ActiveCalls);

            // The server acknowledges the echoes (not the OCRQ it dropped): the window opens, TCP sends
            // the OCRQ again, and now it is followed.
            b.ClientSeq = ocrqSeq;
            b.In(EchoReply(1));
            b.ClientSeq = ocrqSeq + (uint)ocrq.Length;
            b.OutAt(ocrqSeq, ocrq);
            Assert.AreEqual(PptpStatus.Ok, b.LastStatus);
            Assert.AreEqual(1, tracker.ActiveCalls);
        }

        [TestMethod]
        public void Receiver_AcknowledgesBytesTheTrackerNeverFollowed_ConnectionAbandoned()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver a = Connect(tracker, 7, HostA);
            a.Out(Ocrq(0x0100, 1));
            a.In(Ocrp(0x0040, 0x0100, 1));
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            b.Out(Ocrq(ClientCallId, 1));
            b.In(Ocrp(0x0041, ClientCallId, 1));
            Assert.AreEqual(2, tracker.ActiveCalls);

            // A segment after a gap, then the server acknowledges past it: the server has bytes the
            // tracker never saw, so it can no longer know what the server was told.
            b.OutAt(b.ClientSeq + 16, EchoRequest(3));
            b.ClientSeq += 32;
            b.In(EchoReply(3));
            Assert.AreEqual(1, tracker.AbandonedConnections);
            Assert.IsFalse(tracker.TryOutboundGre(HostB, ServerAddress, 0x0041, 101), "B's call ended");
            Assert.IsTrue(tracker.TryOutboundGre(HostA, ServerAddress, 0x0040, 101), "A's is untouched");
        }

        [TestMethod]
        public void Segment_WithABadTcpChecksum_NotFollowedUntilSentAgain()
        {
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            uint seq = b.ClientSeq;
            b.OutWithBadChecksum(Ocrq(ClientCallId, 1));
            Assert.AreEqual(PptpStatus.Unfollowed, b.LastStatus);
            Assert.AreEqual(0, tracker.ActiveCalls, "the server drops it, so does the tracker");
            b.OutAt(seq, Ocrq(ClientCallId, 1));
            Assert.AreEqual(PptpStatus.Ok, b.LastStatus);
            Assert.AreEqual(1, tracker.ActiveCalls);
        }

        [TestMethod]
        public void Calls_EndWithTheirControlConnection_GreEvery120sKeepsOnlyTheCall()
        {
            // The connection's last control segment is at 100 s; the attacker's GRE comes every 120 s.
            var tracker = new PptpTracker(4, 8);
            PptpConnectionDriver b = Connect(tracker, 8, HostB);
            b.Out(Ocrq(ClientCallId, 1));
            b.In(Ocrp(0x0041, ClientCallId, 1));
            int host;
            ushort original;
            for (int now = 101; now <= 700; now++)
            {
                if ((now - 100) % 120 == 0)
                {
                    bool delivered = tracker.TryInboundGre(ServerAddress, ClientCallId, out host, out original, now);
                    Assert.AreEqual(now <= 400, delivered, "GRE at " + now + " s");
                }

                tracker.Expire(now, 300);
            }

            Assert.AreEqual(0, tracker.ActiveConnections);
            Assert.AreEqual(0, tracker.ActiveCalls);
        }

        [TestMethod]
        public void OneHostFillsItsShare_AnotherHostsCallStillWorks()
        {
            // The engine's tracker at 512 entries: 16 connections, 32 calls; a host gets 4 and 8.
            var tracker = new PptpTracker(16, 32);
            Assert.AreEqual(4, tracker.MaxConnectionsPerHost);
            Assert.AreEqual(8, tracker.MaxCallsPerHost);
            int connections = 0;
            for (int k = 0; k < 16; k++)
            {
                var a = new PptpConnectionDriver(tracker, 100 + k, HostA, ServerAddress, (ushort)(41000 + k), 1000u * (uint)k, 5000u * (uint)k);
                if (a.Syn() != PptpStatus.Ok)
                {
                    continue;
                }

                connections++;
                a.HandshakeAfterSyn();
                a.Out(Sccrq());
                a.In(Sccrp());
                for (int call = 0; call < 8; call++)
                {
                    ushort id = (ushort)(0x0100 * (k + 1) + call);
                    ushort external = Get16(a.Out(Ocrq(id, (ushort)call)), 12);
                    a.In(Ocrp((ushort)(0x2000 + (k * 8) + call), external, 1));
                }
            }

            Assert.AreEqual(4, connections, "host A's connections");
            Assert.AreEqual(8, tracker.HostCalls(HostA), "host A's calls");
            Assert.IsTrue(tracker.HostLimitEvents > 0);

            PptpConnectionDriver b = Connect(tracker, 200, HostB);
            ushort bExternal = Get16(b.Out(Ocrq(ClientCallId, 1)), 12);
            Assert.AreEqual(PptpStatus.Ok, b.LastStatus);
            b.In(Ocrp(0x0777, bExternal, 1));
            Assert.IsTrue(tracker.TryOutboundGre(HostB, ServerAddress, 0x0777, 101), "host B's genuine call carries GRE out");
            int host;
            ushort original;
            Assert.IsTrue(tracker.TryInboundGre(ServerAddress, bExternal, out host, out original, 101), "and in");
            Assert.AreEqual(HostB, host);
            Assert.AreEqual(ClientCallId, original);
        }
    }
}
