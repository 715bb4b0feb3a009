using System;
using NanoRouter.Core.Passthrough;
using NanoRouter.Tests.Support;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Passthrough
{
    /// <summary>
    /// FragmentTracker with UDP datagrams built and fragmented by hand on top of the test oracle
    /// (which writes every IPv4 header and is the judge of header checksums; PacketDotNet agrees on
    /// the host), driven by a small stand-in for the engine's inbound fragment path: translate first
    /// fragments by destination port and record them, look later fragments up, hold the early ones,
    /// drain the released ones.
    /// </summary>
    [TestClass]
    public class FragmentTrackerTests
    {
        private const uint Server = 0xC6120001;      // 198.18.0.1
        private const uint OtherServer = 0xC6120009; // 198.18.0.9
        private const uint Wan = 0xC6120002;         // 198.18.0.2, the router's WAN address
        private const uint HostA = 0xC613040A;       // 198.19.4.10
        private const uint HostB = 0xC613040B;       // 198.19.4.11

        /// <summary>The IP payload of a UDP datagram (header and data) to the WAN address, checksummed by the oracle.</summary>
        private static byte[] UdpDatagram(uint source, ushort sourcePort, ushort destinationPort, int dataLength, int seed)
        {
            var data = new byte[dataLength];
            new TestRandom((uint)seed).Fill(data);
            return Oracle.UdpDatagram(source, Wan, sourcePort, destinationPort, data);
        }

        /// <summary>Cuts an IP payload into fragments of at most <paramref name="chunk"/> bytes (a multiple of 8).</summary>
        private static byte[][] Fragment(uint source, ushort identification, byte[] payload, int chunk)
        {
            var fragments = new byte[(payload.Length + chunk - 1) / chunk][];
            int k = 0;
            for (int offset = 0; offset < payload.Length; offset += chunk)
            {
                int n = payload.Length - offset < chunk ? payload.Length - offset : chunk;
                fragments[k++] = FragmentPacket(source, identification, payload, offset, n, offset + n < payload.Length);
            }

            return fragments;
        }

        private static byte[] FragmentPacket(uint source, ushort identification, byte[] payload, int offset, int count, bool more)
        {
            byte[] packet = Oracle.IPv4(source, Wan, Oracle.ProtocolUdp, Oracle.Slice(payload, offset, count), 50, identification, more ? 1 : 0, offset / 8, 0);
            Oracle.SecondOpinion(packet, "fragment as built");
            return packet;
        }

        /// <summary>The engine's inbound fragment path, as the tracker expects to be used.</summary>
        private sealed class EngineStandIn
        {
            public readonly FragmentTracker Tracker;
            public readonly PacketList Delivered = new PacketList();
            public int Dropped;
            private readonly byte[] _buffer = new byte[2048];
            private readonly ushort[] _ports = { 500, 4500 };
            private readonly uint[] _hosts = { HostA, HostB };

            public EngineStandIn(FragmentTracker tracker)
            {
                Tracker = tracker;
            }

            /// <summary>The LAN host a first fragment's destination port belongs to (500: A, 4500: B).</summary>
            private uint HostByPort(ushort port)
            {
                for (int i = 0; i < _ports.Length; i++)
                {
                    if (_ports[i] == port)
                    {
                        return _hosts[i];
                    }
                }

                Assert.IsTrue(false, "no host for port " + port);
                return 0;
            }

            public void Inbound(byte[] packet, int nowMs)
            {
                OraclePacket ip = Oracle.Reparse(packet);
                uint source = ip.SourceAddress;
                uint destination = ip.DestinationAddress;
                ushort id = (ushort)ip.Identification;
                byte protocol = (byte)ip.Protocol;
                byte[] copy = (byte[])packet.Clone();
                Core.Wire.IPv4Packet view;
                Assert.AreEqual(Core.Wire.WireStatus.Ok, Core.Wire.IPv4Packet.TryParse(copy, 0, copy.Length, out view));
                if (view.HasTransportHeader)
                {
                    // A first fragment: translated by its ports like any packet.
                    ushort port = (ushort)((copy[view.PayloadOffset + 2] << 8) | copy[view.PayloadOffset + 3]);
                    uint lan = HostByPort(port);
                    view.SetDestinationAddressWithChecksumUpdate(lan);
                    Delivered.Add(copy);
                    Tracker.RecordFirst(source, destination, protocol, id, lan, nowMs);
                    int n;
                    while ((n = Tracker.TakeReleased(_buffer)) > 0)
                    {
                        Delivered.Add(Oracle.Slice(_buffer, 0, n));
                    }

                    return;
                }

                uint lanAddress;
                if (Tracker.TryLookup(source, destination, protocol, id, out lanAddress, nowMs))
                {
                    view.SetDestinationAddressWithChecksumUpdate(lanAddress);
                    Delivered.Add(copy);
                }
                else if (!Tracker.Hold(packet, packet.Length, nowMs))
                {
                    Dropped++;
                }
            }

            /// <summary>Reassembles what a host received for one datagram, checking every header with the oracle.</summary>
            public byte[] Reassemble(uint host, uint source, ushort identification, int payloadLength)
            {
                var payload = new byte[payloadLength];
                var covered = new bool[payloadLength];
                for (int p = 0; p < Delivered.Count; p++)
                {
                    byte[] packet = Delivered[p];
                    OraclePacket ip = Oracle.Reparse(packet);
                    Assert.IsTrue(ip.ValidIPChecksum, "IPv4 header checksum by the oracle");
                    Assert.AreEqual(ip.ComputedHeaderChecksum, ip.HeaderChecksum);
                    if (ip.DestinationAddress != host || ip.SourceAddress != source || ip.Identification != identification)
                    {
                        continue;
                    }

                    int offset = ip.FragmentOffset * 8;
                    // The raw bytes after the header.
                    int headerLength = (packet[0] & 0x0F) * 4;
                    byte[] data = Oracle.Slice(packet, headerLength, ip.TotalLength - headerLength);
                    Array.Copy(data, 0, payload, offset, data.Length);
                    for (int i = 0; i < data.Length; i++)
                    {
                        covered[offset + i] = true;
                    }
                }

                foreach (bool c in covered)
                {
                    Assert.IsTrue(c, "every byte of the datagram reached the host");
                }

                return payload;
            }
        }

        private static EngineStandIn NewEngine(int maxDatagrams = 64, int heldSlots = 8)
        {
            return new EngineStandIn(new FragmentTracker(maxDatagrams, heldSlots, 1500));
        }

        /// <summary>An arrival order written as digits ("201": fragment 2, then 0, then 1).</summary>
        private static int[] Order(string digits)
        {
            var order = new int[digits.Length];
            for (int i = 0; i < digits.Length; i++)
            {
                order[i] = digits[i] - '0';
            }

            return order;
        }

        [TestMethod]
        public void Fragments_InOrder_AllReachTheHostOfTheFirst()
        {
            EngineStandIn engine = NewEngine();
            byte[] datagram = UdpDatagram(Server, 500, 500, 3000, 1);
            foreach (byte[] f in Fragment(Server, 0x1111, datagram, 1480))
            {
                engine.Inbound(f, 10);
            }

            Assert.AreEqual(3, engine.Delivered.Count);
            CollectionAssert.AreEqual(datagram, engine.Reassemble(HostA, Server, 0x1111, datagram.Length));
            Assert.AreEqual(0, engine.Tracker.HeldCount);
            Assert.AreEqual(1, engine.Tracker.Datagrams);
        }

        [TestMethod]
        [DataRow("012")] // orders as digits: DataRow takes int/long/string only
        [DataRow("021")]
        [DataRow("102")]
        [DataRow("120")]
        [DataRow("201")]
        [DataRow("210")]
        public void Fragments_AnyArrivalOrder_AllReachTheHost(string arrivalOrder)
        {
            int[] order = Order(arrivalOrder);
            EngineStandIn engine = NewEngine();
            byte[] datagram = UdpDatagram(Server, 4500, 4500, 3500, 2);
            byte[][] fragments = Fragment(Server, 0x2222, datagram, 1480);
            foreach (int i in order)
            {
                engine.Inbound(fragments[i], 10 + i);
            }

            Assert.AreEqual(3, engine.Delivered.Count);
            Assert.AreEqual(0, engine.Dropped);
            Assert.AreEqual(0, engine.Tracker.HeldCount);
            CollectionAssert.AreEqual(datagram, engine.Reassemble(HostB, Server, 0x2222, datagram.Length));
        }

        [TestMethod]
        public void Fragments_TwoHostsSameServerInterleavedOutOfOrder_EachGetsItsOwn()
        {
            EngineStandIn engine = NewEngine();
            byte[] toA = UdpDatagram(Server, 500, 500, 4000, 3);
            byte[] toB = UdpDatagram(Server, 4500, 4500, 4000, 4);
            byte[][] a = Fragment(Server, 0x3000, toA, 1000);
            byte[][] b = Fragment(Server, 0x3001, toB, 1000);

            // Last fragments first, then the middles of both, then B's first, then A's first.
            engine.Inbound(a[4], 1);
            engine.Inbound(b[4], 2);
            engine.Inbound(a[2], 3);
            engine.Inbound(b[3], 4);
            engine.Inbound(b[0], 5);
            engine.Inbound(b[1], 6);
            engine.Inbound(a[3], 7);
            engine.Inbound(b[2], 8);
            engine.Inbound(a[0], 9);
            engine.Inbound(a[1], 10);

            Assert.AreEqual(0, engine.Dropped);
            Assert.AreEqual(0, engine.Tracker.HeldCount);
            CollectionAssert.AreEqual(toA, engine.Reassemble(HostA, Server, 0x3000, toA.Length));
            CollectionAssert.AreEqual(toB, engine.Reassemble(HostB, Server, 0x3001, toB.Length));
        }

        [TestMethod]
        public void Fragments_SameIdFromTwoServers_KeyedBySource()
        {
            EngineStandIn engine = NewEngine();
            byte[] toA = UdpDatagram(Server, 500, 500, 2000, 5);
            byte[] toB = UdpDatagram(OtherServer, 4500, 4500, 2000, 6);
            byte[][] a = Fragment(Server, 0x4444, toA, 1480);
            byte[][] b = Fragment(OtherServer, 0x4444, toB, 1480);
            engine.Inbound(b[1], 1);
            engine.Inbound(a[1], 2);
            engine.Inbound(a[0], 3);
            engine.Inbound(b[0], 4);
            CollectionAssert.AreEqual(toA, engine.Reassemble(HostA, Server, 0x4444, toA.Length));
            CollectionAssert.AreEqual(toB, engine.Reassemble(HostB, OtherServer, 0x4444, toB.Length));
        }

        [TestMethod]
        public void Fragments_SameIdSameServerForTwoHosts_LatestFirstFragmentWins()
        {
            // A server that breaks RFC 6864 by reusing an ID towards one destination: the documented
            // ambiguity. Held fragments go to the first first-fragment; later ones follow the latest.
            EngineStandIn engine = NewEngine();
            byte[] toA = UdpDatagram(Server, 500, 500, 2000, 7);
            byte[] toB = UdpDatagram(Server, 4500, 4500, 2000, 8);
            byte[][] a = Fragment(Server, 0x5555, toA, 1480);
            byte[][] b = Fragment(Server, 0x5555, toB, 1480);
            engine.Inbound(a[1], 1);   // held
            engine.Inbound(a[0], 2);   // A's first: releases a[1] to A
            engine.Inbound(b[0], 3);   // B's first replaces the mapping
            engine.Inbound(b[1], 4);   // follows the latest: B
            CollectionAssert.AreEqual(toA, engine.Reassemble(HostA, Server, 0x5555, toA.Length));
            CollectionAssert.AreEqual(toB, engine.Reassemble(HostB, Server, 0x5555, toB.Length));
            Assert.AreEqual(1, engine.Tracker.Datagrams);
        }

        [TestMethod]
        public void Hold_SlotsFull_EvictsOldestAndCounts()
        {
            EngineStandIn engine = NewEngine(64, 4);
            var datagrams = new byte[6][][];
            for (int k = 0; k < 6; k++)
            {
                datagrams[k] = Fragment(Server, (ushort)(0x6000 + k), UdpDatagram(Server, 500, 500, 1600, 10 + k), 1480);
                engine.Inbound(datagrams[k][1], k);
            }

            Assert.AreEqual(4, engine.Tracker.HeldCount);
            Assert.AreEqual(2, engine.Tracker.Evicted);

            // The two oldest were evicted: their first fragments release nothing.
            engine.Inbound(datagrams[0][0], 10);
            engine.Inbound(datagrams[1][0], 11);
            Assert.AreEqual(2, engine.Delivered.Count);
            Assert.AreEqual(4, engine.Tracker.HeldCount);

            // The others are released when their first fragments come.
            for (int k = 2; k < 6; k++)
            {
                engine.Inbound(datagrams[k][0], 12 + k);
            }

            Assert.AreEqual(10, engine.Delivered.Count);
            Assert.AreEqual(0, engine.Tracker.HeldCount);
            for (int k = 2; k < 6; k++)
            {
                engine.Reassemble(HostA, Server, (ushort)(0x6000 + k), 1608);
            }
        }

        [TestMethod]
        public void Hold_SlotsFull_AFloodingRemoteKeepsOnlyItsShare_TheOtherRemotesFragmentsStay()
        {
            // Issue 15: later fragments of a flood from one remote must not push out another remote's.
            // With 4 slots and 2 remotes holding, each may keep 2; a newcomer over its share evicts
            // its own oldest, one under it evicts the oldest of the remote over its share.
            EngineStandIn engine = NewEngine(64, 4);
            byte[][] genuine = Fragment(Server, 0x7000, UdpDatagram(Server, 500, 500, 3000, 1), 1480);
            engine.Inbound(genuine[2], 0);
            engine.Inbound(genuine[1], 1);
            for (int k = 0; k < 1000; k++)
            {
                byte[][] junk = Fragment(OtherServer, (ushort)(0x8000 + k), UdpDatagram(OtherServer, 500, 500, 1600, 100 + k), 1480);
                engine.Inbound(junk[1], 2 + k);
            }

            Assert.AreEqual(4, engine.Tracker.HeldCount);
            engine.Inbound(genuine[0], 2000);
            Assert.AreEqual(3, engine.Delivered.Count, "the genuine datagram's two held fragments were released with its first");
            engine.Reassemble(HostA, Server, 0x7000, 3008);
        }

        [TestMethod]
        public void Hold_SlotsFullOfAFlood_ANewRemoteEvictsTheFloodsOldestNotItsOwn()
        {
            EngineStandIn engine = NewEngine(64, 4);
            for (int k = 0; k < 10; k++)
            {
                byte[][] junk = Fragment(OtherServer, (ushort)(0x8000 + k), UdpDatagram(OtherServer, 500, 500, 1600, 100 + k), 1480);
                engine.Inbound(junk[1], k);
            }

            // The genuine server's datagram arrives last fragment first while the flood holds every slot.
            byte[][] genuine = Fragment(Server, 0x7001, UdpDatagram(Server, 500, 500, 3000, 2), 1480);
            engine.Inbound(genuine[2], 20);
            engine.Inbound(genuine[1], 21);
            for (int k = 10; k < 20; k++)
            {
                byte[][] junk = Fragment(OtherServer, (ushort)(0x8000 + k), UdpDatagram(OtherServer, 500, 500, 1600, 100 + k), 1480);
                engine.Inbound(junk[1], 12 + k);
            }

            engine.Inbound(genuine[0], 40);
            Assert.AreEqual(3, engine.Delivered.Count);
            engine.Reassemble(HostA, Server, 0x7001, 3008);
        }

        [TestMethod]
        public void Hold_RejectsWhatIsNotALaterFragment()
        {
            var tracker = new FragmentTracker(8, 4, 600);
            byte[] datagram = UdpDatagram(Server, 500, 500, 1000, 20);
            byte[][] fragments = Fragment(Server, 0x7000, datagram, 512);
            Assert.IsFalse(tracker.Hold(fragments[0], fragments[0].Length, 0), "a first fragment has ports: translate it");
            byte[] whole = FragmentPacket(Server, 0x7001, datagram, 0, 400, false);
            Assert.IsFalse(tracker.Hold(whole, whole.Length, 0), "not a fragment");
            byte[] big = FragmentPacket(Server, 0x7002, new byte[1200], 8, 1000, false);
            Assert.IsFalse(tracker.Hold(big, big.Length, 0), "longer than maxPacketLength");
            Assert.IsFalse(tracker.Hold(null, 0, 0));
            Assert.IsFalse(tracker.Hold(fragments[1], fragments[1].Length - 1, 0), "truncated");
            Assert.IsFalse(new FragmentTracker(8, 0, 600).Hold(fragments[1], fragments[1].Length, 0), "no held slots");
            Assert.AreEqual(0, tracker.HeldCount);
            Assert.IsTrue(tracker.Hold(fragments[1], fragments[1].Length, 0));
            Assert.AreEqual(1, tracker.HeldCount);
        }

        [TestMethod]
        public void Hold_AfterFirstRecorded_ReleasedAtOnce()
        {
            var tracker = new FragmentTracker(8, 4, 1500);
            byte[][] fragments = Fragment(Server, 0x7100, UdpDatagram(Server, 500, 500, 2000, 21), 1480);
            tracker.RecordFirst(Server, Wan, 17, 0x7100, HostA, 0);
            Assert.IsTrue(tracker.Hold(fragments[1], fragments[1].Length, 1));
            var buffer = new byte[1500];
            int n = tracker.TakeReleased(buffer);
            Assert.AreEqual(fragments[1].Length, n);
            Assert.AreEqual(0, tracker.TakeReleased(buffer));
        }

        [TestMethod]
        public void TakeReleased_BufferTooSmall_DroppedAndCounted()
        {
            var tracker = new FragmentTracker(8, 4, 1500);
            byte[][] fragments = Fragment(Server, 0x7200, UdpDatagram(Server, 500, 500, 2000, 22), 1480);
            Assert.IsTrue(tracker.Hold(fragments[1], fragments[1].Length, 0));
            tracker.RecordFirst(Server, Wan, 17, 0x7200, HostA, 1);
            Assert.AreEqual(0, tracker.TakeReleased(new byte[100]));
            Assert.AreEqual(1, tracker.Evicted);
            Assert.AreEqual(0, tracker.HeldCount);
            Assert.AreEqual(0, tracker.TakeReleased(null));
        }

        [TestMethod]
        public void Expire_MappingsAndHeldFragmentsOlderThanTimeout()
        {
            var tracker = new FragmentTracker(8, 4, 1500);
            uint lan;
            tracker.RecordFirst(Server, Wan, 17, 1, HostA, 1000);
            tracker.RecordFirst(Server, Wan, 17, 2, HostB, 20000);
            Assert.IsTrue(tracker.TryLookup(Server, Wan, 17, 1, out lan, 31000));
            Assert.AreEqual(HostA, lan);
            Assert.IsFalse(tracker.TryLookup(Server, Wan, 17, 1, out lan, 31001), "30 s after the first fragment");
            Assert.AreEqual(1, tracker.Expired);

            byte[][] fragments = Fragment(Server, 3, UdpDatagram(Server, 500, 500, 2000, 23), 1480);
            Assert.IsTrue(tracker.Hold(fragments[1], fragments[1].Length, 25000));
            tracker.Expire(50000);
            Assert.AreEqual(1, tracker.Datagrams, "ID 2 (20 s) is still young at 50 s");
            Assert.AreEqual(1, tracker.HeldCount);
            tracker.Expire(55001);
            Assert.AreEqual(0, tracker.Datagrams);
            Assert.AreEqual(0, tracker.HeldCount);
            Assert.AreEqual(3, tracker.Expired);

            // A late first fragment releases nothing; the timeout is configurable.
            tracker.RecordFirst(Server, Wan, 17, 3, HostA, 56000);
            Assert.AreEqual(0, tracker.TakeReleased(new byte[1500]));
            tracker.TimeoutMs = 15000;
            Assert.IsFalse(tracker.TryLookup(Server, Wan, 17, 3, out lan, 71001));
        }

        [TestMethod]
        public void Expire_ClockWraps_AgesStillRight()
        {
            var tracker = new FragmentTracker(8, 4, 1500);
            uint lan;
            tracker.RecordFirst(Server, Wan, 17, 9, HostA, int.MaxValue - 1000);
            Assert.IsTrue(tracker.TryLookup(Server, Wan, 17, 9, out lan, unchecked(int.MaxValue + 20000)));
            tracker.Expire(unchecked(int.MaxValue + 28000));
            Assert.AreEqual(1, tracker.Datagrams);
            tracker.Expire(unchecked(int.MaxValue + 29001));
            Assert.AreEqual(0, tracker.Datagrams);
        }

        [TestMethod]
        public void RecordFirst_TableFull_EvictsOldestAndLookupsStayExact()
        {
            var tracker = new FragmentTracker(1000, 4, 1500);
            for (int k = 0; k < 1200; k++)
            {
                tracker.RecordFirst(Server + (uint)(k % 7), Wan, (byte)(k % 2 == 0 ? 17 : 50), (ushort)k, HostA + (uint)k, k);
            }

            Assert.AreEqual(1000, tracker.Datagrams);
            Assert.AreEqual(200, tracker.DatagramsEvicted);
            uint lan;
            for (int k = 0; k < 1200; k++)
            {
                bool found = tracker.TryLookup(Server + (uint)(k % 7), Wan, (byte)(k % 2 == 0 ? 17 : 50), (ushort)k, out lan, 1200);
                Assert.AreEqual(k >= 200, found, "datagram " + k);
                if (found)
                {
                    Assert.AreEqual(HostA + (uint)k, lan);
                }

                Assert.IsFalse(tracker.TryLookup(Server + (uint)(k % 7), Wan, (byte)(k % 2 == 0 ? 50 : 17), (ushort)k, out lan, 1200), "protocol is part of the key");
            }

            // Refreshing a mapping moves it to the young end: it survives the next evictions.
            tracker.RecordFirst(Server + (uint)(200 % 7), Wan, 17, 200, HostB, 1300);
            tracker.RecordFirst(Server, Wan, 6, 60000, HostA, 1301);
            Assert.IsTrue(tracker.TryLookup(Server + (uint)(200 % 7), Wan, 17, 200, out lan, 1302));
            Assert.AreEqual(HostB, lan);
            Assert.IsFalse(tracker.TryLookup(Server + (uint)(201 % 7), Wan, 50, 201, out lan, 1302));
        }

        [TestMethod]
        public void Fragments_OverlappingAndNeverFinishing_TranslatedThenExpire()
        {
            EngineStandIn engine = NewEngine();
            byte[] datagram = UdpDatagram(Server, 500, 500, 3000, 30);
            // Overlapping later fragments (offsets 1000 and 1400, 800 bytes each) before and after the
            // first; a last fragment never comes.
            engine.Inbound(FragmentPacket(Server, 0x8000, datagram, 1400, 800, true), 1);
            engine.Inbound(FragmentPacket(Server, 0x8000, datagram, 0, 1480, true), 2);
            engine.Inbound(FragmentPacket(Server, 0x8000, datagram, 1000, 800, true), 3);
            Assert.AreEqual(3, engine.Delivered.Count);

            // Another datagram whose first never comes: held, then expired.
            engine.Inbound(FragmentPacket(Server, 0x8001, datagram, 1480, 800, true), 4);
            Assert.AreEqual(1, engine.Tracker.HeldCount);
            engine.Tracker.Expire(40000);
            Assert.AreEqual(0, engine.Tracker.HeldCount);
            Assert.AreEqual(0, engine.Tracker.Datagrams);
            Assert.AreEqual(2, engine.Tracker.Expired);
        }

        [TestMethod]
        public void AllCalls_AfterConstruction_AllocateNothing()
        {
            var tracker = new FragmentTracker(64, 4, 1500);
            byte[][] fragments = Fragment(Server, 0x9000, UdpDatagram(Server, 500, 500, 3000, 40), 1480);
            var buffer = new byte[1500];
            uint lan;
            long before = Platform.AllocatedBytes();
            int released = 0;
            for (int i = 0; i < 1000; i++)
            {
                tracker.Hold(fragments[2], fragments[2].Length, i);
                tracker.Hold(fragments[1], fragments[1].Length, i);
                tracker.RecordFirst(Server, Wan, 17, (ushort)(0x9000 + (i & 1)), HostA, i);
                while (tracker.TakeReleased(buffer) > 0)
                {
                    released++;
                }

                tracker.TryLookup(Server, Wan, 17, 0x9000, out lan, i);
                tracker.Expire(i);
            }

            Assert.AreEqual(0L, Platform.AllocatedBytes() - before, "allocated (counted where the platform counts: .NET)");
            Assert.IsTrue(released > 0);
        }

        [TestMethod]
        public void AnyInput_RandomBytesAndCalls_NeverThrowAndCountsStayInBounds()
        {
            var random = new TestRandom(791);
            var tracker = new FragmentTracker(16, 4, 600);
            var packet = new byte[800];
            var buffer = new byte[700];
            int now = 0;
            for (int round = 0; round < 20000; round++)
            {
                now += random.Between(0, 2999);
                random.Fill(packet);
                int length = random.Between(-5, packet.Length + 9);
                if (round % 2 == 0)
                {
                    packet[0] = 0x45;
                    packet[2] = (byte)(length >> 8);
                    packet[3] = (byte)length;
                    packet[6] &= 0x3F;
                }

                uint source = (uint)random.Between(0, 3);
                ushort id = (ushort)random.Between(0, 7);
                uint lan;
                switch (random.Below(6))
                {
                    case 0:
                        tracker.Hold(packet, length, now);
                        break;
                    case 1:
                        tracker.RecordFirst(source, Wan, 17, id, HostA, now);
                        break;
                    case 2:
                        tracker.TryLookup(source, Wan, 17, id, out lan, now);
                        break;
                    case 3:
                        tracker.TakeReleased(random.Below(3) == 0 ? new byte[random.Between(0, 99)] : buffer);
                        break;
                    case 4:
                        tracker.Expire(now);
                        break;
                    default:
                        tracker.Hold(packet, length < 60 ? length : 60, now);
                        break;
                }

                Assert.IsTrue(tracker.HeldCount >= 0 && tracker.HeldCount <= 4);
                Assert.IsTrue(tracker.Datagrams >= 0 && tracker.Datagrams <= 16);
            }
        }
    }
}
