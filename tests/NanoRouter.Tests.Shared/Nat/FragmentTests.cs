using System;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// IP fragments through the engine (issue #3, IKE: "translate IP fragments correctly; non-first
    /// fragments follow their first; out-of-order fragments must work"). The whole UDP datagram is
    /// built by the oracle (its checksum covers every fragment) and cut into fragments here, each
    /// with its header checksum computed by the oracle. After translation the fragments are put back
    /// together and the oracle (and PacketDotNet, on the host) must find the UDP checksum of the whole
    /// datagram valid. Held later fragments come back through <c>NatEngine.TakePending</c>.
    /// </summary>
    [TestClass]
    public class FragmentTests
    {
        /// <summary>Cuts a whole IPv4 packet (20-byte header) into fragments of at most <paramref name="chunk"/> payload bytes.</summary>
        private static byte[][] Fragment(byte[] whole, int chunk, ushort identification)
        {
            OraclePacket ip = Check.Parse(whole);
            int payloadLength = whole.Length - 20;
            var fragments = new byte[(payloadLength + chunk - 1) / chunk][];
            int n = 0;
            for (int offset = 0; offset < payloadLength; offset += chunk)
            {
                int length = payloadLength - offset < chunk ? payloadLength - offset : chunk;
                bool more = offset + length < payloadLength;
                byte[] bytes = Oracle.IPv4(ip.SourceAddress, ip.DestinationAddress, Oracle.ProtocolUdp, Check.Slice(whole, 20 + offset, length), 64, identification, more ? 1 : 0, offset / 8, 0);
                int word = Packets.ReadUInt16(bytes, 6);
                Assert.AreEqual(offset, (word & 0x1FFF) * 8, "fragment offset as built");
                Assert.AreEqual(more, (word & 0x2000) != 0, "MF as built");
                Assert.IsTrue(Check.Parse(bytes).ValidIPChecksum);
                fragments[n++] = bytes;
            }

            return fragments;
        }

        private static byte[][] Reversed(byte[][] fragments)
        {
            var reversed = new byte[fragments.Length][];
            for (int i = 0; i < fragments.Length; i++)
            {
                reversed[i] = fragments[fragments.Length - 1 - i];
            }

            return reversed;
        }

        private static int OffsetOf(byte[] fragment)
        {
            return (Packets.ReadUInt16(fragment, 6) & 0x1FFF) * 8;
        }

        /// <summary>Puts translated fragments back together and checks the datagram with the oracle.</summary>
        private static byte[] Reassemble(byte[][] fragments, int count, string because)
        {
            byte[] first = null;
            for (int i = 0; i < count; i++)
            {
                if (OffsetOf(fragments[i]) == 0)
                {
                    first = fragments[i];
                    break;
                }
            }

            Assert.IsNotNull(first, because + ": first fragment present");
            int payloadLength = 0;
            for (int i = 0; i < count; i++)
            {
                byte[] f = fragments[i];
                Assert.IsTrue(Check.Parse(f).ValidIPChecksum, because + ": fragment header checksum");
                CollectionAssert.AreEqual(Check.Slice(first, 12, 8), Check.Slice(f, 12, 8), because + ": all fragments have the same addresses");
                int end = OffsetOf(f) + f.Length - 20;
                payloadLength = end > payloadLength ? end : payloadLength;
            }

            var whole = new byte[20 + payloadLength];
            Array.Copy(first, whole, 20);
            for (int i = 0; i < count; i++)
            {
                byte[] f = fragments[i];
                Array.Copy(f, 20, whole, 20 + OffsetOf(f), f.Length - 20);
            }

            whole[2] = (byte)(whole.Length >> 8);
            whole[3] = (byte)whole.Length;
            whole[6] = 0;
            whole[7] = 0;
            whole[10] = 0;
            whole[11] = 0;
            Oracle.Put16(whole, 10, OnesComplement.Checksum(whole, 0, 20));
            Check.ChecksumsValid(whole, because + ": reassembled");
            return whole;
        }

        private static byte[] BigIke(uint source, ushort sourcePort, uint destination, ushort destinationPort)
        {
            var payload = new byte[1300];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)((i * 7) + 3);
            }

            return Packets.Udp(source, sourcePort, destination, destinationPort, payload);
        }

        /// <summary>Host A holds UDP 500, so host B's IKE is remapped (the port and UDP checksum change).</summary>
        private static ushort SecondIkeHost(NatRig rig)
        {
            rig.Out(Packets.Udp(Net.HostA, 500, Net.Server, 500), "A IKE");
            ushort external = Check.SourcePort(rig.Out(Packets.Udp(Net.HostB, 500, Net.Server, 500), "B IKE"));
            Assert.AreNotEqual((ushort)500, external);
            return external;
        }

        [DataRow(0)] // 1 = reversed: DataRow takes int/long/string only
        [DataRow(1)]
        [TestMethod]
        public void Process_OutboundFragmentedIke_TranslatedInAnyOrder(int inReverse)
        {
            bool reversed = inReverse != 0;
            var rig = new NatRig();
            ushort external = SecondIkeHost(rig);
            byte[][] fragments = Fragment(BigIke(Net.HostB, 500, Net.Server, 500), 512, 0x5151);
            if (reversed)
            {
                fragments = Reversed(fragments);
            }

            var output = new byte[fragments.Length][];
            for (int i = 0; i < fragments.Length; i++)
            {
                Verdict verdict = rig.Process(fragments[i], Side.Lan, out byte[] result);
                Assert.AreEqual(Verdict.Forward, verdict, "outbound fragment (last drop " + rig.Engine.LastDrop + ")");
                Assert.AreEqual(Side.Wan, rig.Engine.Egress);
                Assert.AreEqual(Net.Wan, Check.Source(result));
                output[i] = result;
            }

            byte[] whole = Reassemble(output, output.Length, "outbound");
            Assert.AreEqual(external, Check.SourcePort(whole), "the datagram carries B's external port");
            Assert.AreEqual(Net.Server, Check.Destination(whole));
        }

        [TestMethod]
        public void Process_InboundFragmentedIkeInOrder_AllFragmentsReachTheHost()
        {
            var rig = new NatRig();
            ushort external = SecondIkeHost(rig);
            byte[] original = BigIke(Net.Server, 500, Net.Wan, external);
            byte[][] fragments = Fragment(original, 512, 0x6262);
            var delivered = new byte[fragments.Length][];
            for (int i = 0; i < fragments.Length; i++)
            {
                byte[] f = fragments[i];
                Verdict verdict = rig.Process(f, Side.Wan, out byte[] result);
                Assert.AreEqual(Verdict.Forward, verdict, "inbound fragment at offset " + OffsetOf(f) + " (last drop " + rig.Engine.LastDrop + ")");
                Assert.AreEqual(Side.Lan, rig.Engine.Egress);
                Assert.AreEqual(Net.HostB, Check.Destination(result));
                delivered[i] = result;
            }

            byte[] whole = Reassemble(delivered, delivered.Length, "inbound");
            Assert.AreEqual((ushort)500, Check.DestinationPort(whole), "B's own port restored");
        }

        [TestMethod]
        public void Process_InboundFragmentedIkeOutOfOrder_LaterFragmentsReleasedToTheHost()
        {
            var rig = new NatRig();
            ushort external = SecondIkeHost(rig);
            byte[][] fragments = Fragment(BigIke(Net.Server, 500, Net.Wan, external), 512, 0x7373);
            var delivered = new byte[fragments.Length][];
            int count = 0;

            // The last fragment comes first: it cannot be forwarded yet (nobody knows its host) and must not be lost.
            Verdict early = rig.Process(fragments[fragments.Length - 1], Side.Wan);
            Assert.AreNotEqual(Verdict.Forward, early, "a later fragment before its first has no host yet");
            Assert.AreEqual(DropReason.FragmentHeld, rig.Engine.LastDrop, "the early fragment is held, not dropped");

            for (int i = 0; i < fragments.Length - 1; i++)
            {
                Verdict verdict = rig.Process(fragments[i], Side.Wan, out byte[] result);
                Assert.AreEqual(Verdict.Forward, verdict, "fragment " + i + " (last drop " + rig.Engine.LastDrop + ")");
                Assert.AreEqual(Net.HostB, Check.Destination(result));
                delivered[count++] = result;
            }

            var buffer = new byte[2048];
            int length = rig.Engine.TakePending(buffer, out Side egress);
            Assert.IsTrue(length > 0, "the held fragment is released once its first fragment arrived");
            Assert.AreEqual(Side.Lan, egress, "released towards the LAN");
            Assert.AreEqual(0, rig.Engine.TakePending(new byte[2048], out egress), "released once, then nothing is pending");
            byte[] released = Check.Slice(buffer, 0, length);
            Check.ChecksumsValid(released, "released fragment");
            Assert.AreEqual(Net.HostB, Check.Destination(released));
            delivered[count++] = released;
            Reassemble(delivered, count, "inbound, out of order");
        }

        [TestMethod]
        public void Process_InboundFragmentsOfTwoHostsInterleaved_EachToItsHost()
        {
            var rig = new NatRig();
            ushort external = SecondIkeHost(rig);
            byte[][] toA = Fragment(BigIke(Net.Server, 500, Net.Wan, 500), 512, 0x1111);
            byte[][] toB = Fragment(BigIke(Net.Server, 500, Net.Wan, external), 512, 0x2222);
            var gotA = new byte[toA.Length][];
            var gotB = new byte[toB.Length][];
            for (int i = 0; i < toA.Length; i++)
            {
                for (int which = 0; which < 2; which++)
                {
                    byte[] f = which == 0 ? toA[i] : toB[i];
                    uint host = which == 0 ? Net.HostA : Net.HostB;
                    Verdict verdict = rig.Process(f, Side.Wan, out byte[] result);
                    Assert.AreEqual(Verdict.Forward, verdict, "fragment " + i + " (last drop " + rig.Engine.LastDrop + ")");
                    Assert.AreEqual(host, Check.Destination(result));
                    if (which == 0)
                    {
                        gotA[i] = result;
                    }
                    else
                    {
                        gotB[i] = result;
                    }
                }
            }

            Assert.AreEqual((ushort)500, Check.DestinationPort(Reassemble(gotA, gotA.Length, "to A")));
            Assert.AreEqual((ushort)500, Check.DestinationPort(Reassemble(gotB, gotB.Length, "to B")));
        }

        [TestMethod]
        public void Process_LaterFragmentFromARemoteNoSessionTalksTo_NotHeld()
        {
            // Issue 15: only the remotes of live mappings may take a held slot.
            var rig = new NatRig();
            SecondIkeHost(rig);
            byte[][] fromStranger = Fragment(BigIke(Net.Stranger, 500, Net.Wan, 500), 512, 0x0A0A);
            rig.Dropped(fromStranger[2], Side.Wan, DropReason.Fragment, "a stranger's later fragment");
            Assert.AreEqual(0, rig.Engine.Fragments.HeldCount);
            byte[][] fromServer = Fragment(BigIke(Net.Server, 500, Net.Wan, 500), 512, 0x0B0B);
            rig.Dropped(fromServer[2], Side.Wan, DropReason.FragmentHeld, "the server's");
            Assert.AreEqual(1, rig.Engine.Fragments.HeldCount);
        }

        [TestMethod]
        public void Process_FloodOfUnmatchedLaterFragments_GenuineOutOfOrderIkeStillDelivered()
        {
            // The attack of issue 15: a WAN host (no spoofing) floods later fragments that match
            // nothing while the IKE server's fragmented message arrives last fragment first.
            var rig = new NatRig();
            ushort external = SecondIkeHost(rig);
            byte[][] genuine = Fragment(BigIke(Net.Server, 500, Net.Wan, external), 512, 0x7373);
            var delivered = new byte[genuine.Length][];
            int count = 0;
            var random = new Support.TestRandom(15);
            for (int i = genuine.Length - 1; i >= 0; i--)
            {
                for (int k = 0; k < 100; k++)
                {
                    byte[][] flood = Fragment(BigIke(Net.Stranger, 500, Net.Wan, (ushort)(1024 + random.Below(60000))), 512, (ushort)random.NextUInt());
                    rig.Process(flood[1 + random.Below(flood.Length - 1)], Side.Wan);
                }

                Verdict verdict = rig.Process(genuine[i], Side.Wan, out byte[] result);
                if (verdict == Verdict.Forward)
                {
                    delivered[count++] = result;
                }

                var buffer = new byte[2048];
                int length;
                while ((length = rig.Engine.TakePending(buffer, out Side egress)) > 0)
                {
                    delivered[count++] = Check.Slice(buffer, 0, length);
                }
            }

            Assert.AreEqual(genuine.Length, count, "every fragment of the genuine datagram reached the host");
            Assert.AreEqual((ushort)500, Check.DestinationPort(Reassemble(delivered, count, "under the flood")));
        }

        [TestMethod]
        public void Process_FloodFromARemoteWithAMapping_HeldToItsShare_GenuineIkeStillDelivered()
        {
            // The flooder is a server a LAN host talks to (a web server, say): its later fragments may
            // be held, but only to its share of the slots, and the IKE server's are not pushed out.
            var rig = new NatRig();
            ushort external = SecondIkeHost(rig);
            rig.Out(Packets.Udp(Net.HostA, 40000, Net.Stranger, 53), "A talks to the flooder too");
            byte[][] genuine = Fragment(BigIke(Net.Server, 500, Net.Wan, external), 512, 0x7474);
            var delivered = new byte[genuine.Length][];
            int count = 0;
            for (int i = genuine.Length - 1; i >= 0; i--)
            {
                for (int k = 0; k < 50; k++)
                {
                    byte[][] flood = Fragment(BigIke(Net.Stranger, 53, Net.Wan, 40000), 512, (ushort)(0x9000 + (i * 50) + k));
                    rig.Process(flood[2], Side.Wan);
                }

                if (rig.Process(genuine[i], Side.Wan, out byte[] result) == Verdict.Forward)
                {
                    delivered[count++] = result;
                }

                var buffer = new byte[2048];
                int length;
                while ((length = rig.Engine.TakePending(buffer, out Side egress)) > 0)
                {
                    delivered[count++] = Check.Slice(buffer, 0, length);
                }
            }

            Assert.AreEqual(genuine.Length, count);
            Reassemble(delivered, count, "beside a flood from a remote with a mapping");
        }

        [TestMethod]
        public void Process_UnsolicitedInboundLaterFragment_NotForwarded()
        {
            var rig = new NatRig();
            byte[][] fragments = Fragment(BigIke(Net.Server, 500, Net.Wan, 500), 512, 0x0999);
            Assert.AreNotEqual(Verdict.Forward, rig.Process(fragments[1], Side.Wan));
            Assert.AreNotEqual(Verdict.Forward, rig.Process(fragments[0], Side.Wan), "no mapping for its first fragment either");
            Assert.AreEqual(0, rig.Engine.Table.Count);
        }
    }
}
