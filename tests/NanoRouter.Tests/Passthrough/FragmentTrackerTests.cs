using System;
using System.Collections.Generic;
using System.Net;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Passthrough;
using PacketDotNet;

namespace NanoRouter.Tests.Passthrough
{
    /// <summary>
    /// FragmentTracker with UDP datagrams built and fragmented by hand on top of PacketDotNet (which
    /// writes every IPv4 header and is the oracle for header checksums), driven by a small stand-in for
    /// the engine's inbound fragment path: translate first fragments by destination port and record
    /// them, look later fragments up, hold the early ones, drain the released ones.
    /// </summary>
    [TestClass]
    public class FragmentTrackerTests
    {
        private const uint Server = 0xC6120001;      // 198.18.0.1
        private const uint OtherServer = 0xC6120009; // 198.18.0.9
        private const uint Wan = 0xC6120002;         // 198.18.0.2, the router's WAN address
        private const uint HostA = 0xC613040A;       // 198.19.4.10
        private const uint HostB = 0xC613040B;       // 198.19.4.11

        private static IPAddress Address(uint a) => new IPAddress(new byte[] { (byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a });

        /// <summary>The IP payload of a UDP datagram (header and data), checksummed by PacketDotNet.</summary>
        private static byte[] UdpDatagram(uint source, ushort sourcePort, ushort destinationPort, int dataLength, int seed)
        {
            var data = new byte[dataLength];
            new Random(seed).NextBytes(data);
            var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = data };
            var ip = new IPv4Packet(Address(source), Address(Wan)) { PayloadPacket = udp };
            ip.UpdateCalculatedValues();
            udp.UpdateUdpChecksum();
            if (udp.Checksum == 0)
            {
                // RFC 768: a computed checksum of 0 is sent as all ones (0 means "no checksum").
                // PacketDotNet 1.4.8 writes 0 there, about once in 65,536 packets.
                udp.Checksum = 0xFFFF;
            }
            return udp.Bytes;
        }

        /// <summary>Cuts an IP payload into fragments of at most <paramref name="chunk"/> bytes (a multiple of 8).</summary>
        private static List<byte[]> Fragment(uint source, ushort identification, byte[] payload, int chunk)
        {
            var fragments = new List<byte[]>();
            for (int offset = 0; offset < payload.Length; offset += chunk)
            {
                int n = Math.Min(chunk, payload.Length - offset);
                fragments.Add(FragmentPacket(source, identification, payload, offset, n, offset + n < payload.Length));
            }

            return fragments;
        }

        private static byte[] FragmentPacket(uint source, ushort identification, byte[] payload, int offset, int count, bool more)
        {
            var slice = new byte[count];
            Buffer.BlockCopy(payload, offset, slice, 0, count);
            var ip = new IPv4Packet(Address(source), Address(Wan))
            {
                Protocol = PacketDotNet.ProtocolType.Udp,
                TimeToLive = 50,
                Id = identification,
                FragmentFlags = more ? 1 : 0, // PacketDotNet: 1 is More Fragments
                FragmentOffset = offset / 8,
                PayloadData = slice,
            };
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            return ip.Bytes;
        }

        /// <summary>The engine's inbound fragment path, as the tracker expects to be used.</summary>
        private sealed class EngineStandIn
        {
            public readonly FragmentTracker Tracker;
            public readonly Dictionary<ushort, uint> HostByPort = new Dictionary<ushort, uint>();
            public readonly List<byte[]> Delivered = new List<byte[]>();
            public int Dropped;
            private readonly byte[] _buffer = new byte[2048];

            public EngineStandIn(FragmentTracker tracker)
            {
                Tracker = tracker;
            }

            public void Inbound(byte[] packet, int nowMs)
            {
                var ip = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(packet));
                uint source = ToUInt(ip.SourceAddress);
                uint destination = ToUInt(ip.DestinationAddress);
                ushort id = ip.Id;
                byte protocol = (byte)ip.Protocol;
                byte[] copy = (byte[])packet.Clone();
                Core.Wire.IPv4Packet view;
                Assert.AreEqual(Core.Wire.WireStatus.Ok, Core.Wire.IPv4Packet.TryParse(copy, 0, copy.Length, out view));
                if (view.HasTransportHeader)
                {
                    // A first fragment: translated by its ports like any packet.
                    ushort port = (ushort)((copy[view.PayloadOffset + 2] << 8) | copy[view.PayloadOffset + 3]);
                    uint lan = HostByPort[port];
                    view.SetDestinationAddressWithChecksumUpdate(lan);
                    Delivered.Add(copy);
                    Tracker.RecordFirst(source, destination, protocol, id, lan, nowMs);
                    int n;
                    while ((n = Tracker.TakeReleased(_buffer)) > 0)
                    {
                        var released = new byte[n];
                        Buffer.BlockCopy(_buffer, 0, released, 0, n);
                        Delivered.Add(released);
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

            /// <summary>Reassembles what a host received for one datagram, checking every header with PacketDotNet.</summary>
            public byte[] Reassemble(uint host, uint source, ushort identification, int payloadLength)
            {
                var payload = new byte[payloadLength];
                var covered = new bool[payloadLength];
                foreach (byte[] packet in Delivered)
                {
                    var ip = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(packet));
                    Assert.IsTrue(ip.ValidIPChecksum, "IPv4 header checksum by PacketDotNet");
                    Assert.AreEqual(ip.CalculateIPChecksum(), ip.Checksum);
                    if (ToUInt(ip.DestinationAddress) != host || ToUInt(ip.SourceAddress) != source || ip.Id != identification)
                    {
                        continue;
                    }

                    int offset = ip.FragmentOffset * 8;
                    // The raw bytes after the header (PacketDotNet parses a first fragment's UDP header).
                    int headerLength = (packet[0] & 0x0F) * 4;
                    var data = new byte[ip.TotalLength - headerLength];
                    Buffer.BlockCopy(packet, headerLength, data, 0, data.Length);
                    Buffer.BlockCopy(data, 0, payload, offset, data.Length);
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

            private static uint ToUInt(IPAddress address)
            {
                byte[] b = address.GetAddressBytes();
                return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
            }
        }

        private static EngineStandIn NewEngine(int maxDatagrams = 64, int heldSlots = 8)
        {
            var engine = new EngineStandIn(new FragmentTracker(maxDatagrams, heldSlots, 1500));
            engine.HostByPort[500] = HostA;
            engine.HostByPort[4500] = HostB;
            return engine;
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
        [DataRow(new[] { 0, 1, 2 })]
        [DataRow(new[] { 0, 2, 1 })]
        [DataRow(new[] { 1, 0, 2 })]
        [DataRow(new[] { 1, 2, 0 })]
        [DataRow(new[] { 2, 0, 1 })]
        [DataRow(new[] { 2, 1, 0 })]
        public void Fragments_AnyArrivalOrder_AllReachTheHost(int[] order)
        {
            EngineStandIn engine = NewEngine();
            byte[] datagram = UdpDatagram(Server, 4500, 4500, 3500, 2);
            List<byte[]> fragments = Fragment(Server, 0x2222, datagram, 1480);
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
            List<byte[]> a = Fragment(Server, 0x3000, toA, 1000);
            List<byte[]> b = Fragment(Server, 0x3001, toB, 1000);

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
            List<byte[]> a = Fragment(Server, 0x4444, toA, 1480);
            List<byte[]> b = Fragment(OtherServer, 0x4444, toB, 1480);
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
            List<byte[]> a = Fragment(Server, 0x5555, toA, 1480);
            List<byte[]> b = Fragment(Server, 0x5555, toB, 1480);
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
            var datagrams = new List<List<byte[]>>();
            for (int k = 0; k < 6; k++)
            {
                datagrams.Add(Fragment(Server, (ushort)(0x6000 + k), UdpDatagram(Server, 500, 500, 1600, 10 + k), 1480));
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
        public void Hold_RejectsWhatIsNotALaterFragment()
        {
            var tracker = new FragmentTracker(8, 4, 600);
            byte[] datagram = UdpDatagram(Server, 500, 500, 1000, 20);
            List<byte[]> fragments = Fragment(Server, 0x7000, datagram, 512);
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
            List<byte[]> fragments = Fragment(Server, 0x7100, UdpDatagram(Server, 500, 500, 2000, 21), 1480);
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
            List<byte[]> fragments = Fragment(Server, 0x7200, UdpDatagram(Server, 500, 500, 2000, 22), 1480);
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

            List<byte[]> fragments = Fragment(Server, 3, UdpDatagram(Server, 500, 500, 2000, 23), 1480);
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
            List<byte[]> fragments = Fragment(Server, 0x9000, UdpDatagram(Server, 500, 500, 3000, 40), 1480);
            var buffer = new byte[1500];
            uint lan;
            long before = GC.GetAllocatedBytesForCurrentThread();
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

            Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.IsTrue(released > 0);
        }

        [TestMethod]
        public void AnyInput_RandomBytesAndCalls_NeverThrowAndCountsStayInBounds()
        {
            var random = new Random(791);
            var tracker = new FragmentTracker(16, 4, 600);
            var packet = new byte[800];
            var buffer = new byte[700];
            int now = 0;
            for (int round = 0; round < 20000; round++)
            {
                now += random.Next(0, 3000);
                random.NextBytes(packet);
                int length = random.Next(-5, packet.Length + 10);
                if (round % 2 == 0)
                {
                    packet[0] = 0x45;
                    packet[2] = (byte)(length >> 8);
                    packet[3] = (byte)length;
                    packet[6] &= 0x3F;
                }

                uint source = (uint)random.Next(0, 4);
                ushort id = (ushort)random.Next(0, 8);
                uint lan;
                switch (random.Next(6))
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
                        tracker.TakeReleased(random.Next(3) == 0 ? new byte[random.Next(0, 100)] : buffer);
                        break;
                    case 4:
                        tracker.Expire(now);
                        break;
                    default:
                        tracker.Hold(packet, Math.Min(length, 60), now);
                        break;
                }

                Assert.IsTrue(tracker.HeldCount >= 0 && tracker.HeldCount <= 4);
                Assert.IsTrue(tracker.Datagrams >= 0 && tracker.Datagrams <= 16);
            }
        }
    }
}
