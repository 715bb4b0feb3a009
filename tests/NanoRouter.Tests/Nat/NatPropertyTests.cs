using System;
using System.Collections.Generic;
using CsCheck;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using PacketDotNet;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// Properties of the engine checked with CsCheck (issue #2, "Tests"): out then in restores the
    /// 5-tuple; every prefix of a valid packet is rejected; random bytes never throw; the table never
    /// exceeds its capacity and per-host quotas hold; every forwarded packet has valid checksums by
    /// PacketDotNet when its input had. Inputs are built by PacketDotNet. Each run takes a few seconds.
    /// </summary>
    [TestClass]
    public class NatPropertyTests
    {
        /// <summary>Remote addresses: anything routable on the WAN side (not the LAN, not ours, not 0/8, 127/8 or 224/3).</summary>
        private static readonly Gen<uint> s_remote = Gen.UInt.Where(a =>
            (a & 0xFFFFFF00) != (Net.RouterLan & 0xFFFFFF00) && a != Net.Wan && (a >> 24) != 0 && (a >> 24) != 127 && (a >> 24) < 224);

        private static readonly Gen<ushort> s_port = Gen.UShort[1, 65535];

        private static readonly Gen<int> s_host = Gen.Int[2, 254];

        /// <summary>0 UDP, 1 TCP, 2 ICMP echo.</summary>
        private static readonly Gen<int> s_kind = Gen.Int[0, 2];

        private static byte[] Outbound(int kind, uint host, ushort port, uint remote, ushort remotePort)
        {
            switch (kind)
            {
                case 0:
                    return Packets.Udp(host, port, remote, remotePort);
                case 1:
                    return Packets.Tcp(host, port, remote, remotePort, Packets.Syn, mss: 1400);
                default:
                    return Packets.EchoRequest(host, remote, port, remotePort);
            }
        }

        private static byte[] Reply(int kind, uint remote, ushort remotePort, ushort external)
        {
            switch (kind)
            {
                case 0:
                    return Packets.Udp(remote, remotePort, Net.Wan, external);
                case 1:
                    return Packets.Tcp(remote, remotePort, Net.Wan, external, Packets.Syn | Packets.Ack, mss: 1400);
                default:
                    return Packets.EchoReply(remote, Net.Wan, external, remotePort);
            }
        }

        [TestMethod]
        public void Process_OutThenIn_RestoresOriginalFiveTuple()
        {
            // Other hosts may already hold the same port (forcing a remap) towards random remotes.
            Gen.Select(s_kind, s_host, s_port, s_remote, s_port, Gen.Select(s_host, s_remote).Array[0, 4]).Sample((kind, host, port, remote, remotePort, others) =>
            {
                var rig = new NatRig();
                foreach ((int otherHost, uint otherRemote) in others)
                {
                    if (otherHost != host)
                    {
                        rig.Process(Outbound(kind, Net.Host(otherHost), port, otherRemote, remotePort), Side.Lan);
                    }
                }

                byte[] original = Outbound(kind, Net.Host(host), port, remote, remotePort);
                byte[] output = rig.Out(original, "out");
                Assert.AreEqual(Net.Wan, Check.Source(output));
                Assert.AreEqual(remote, Check.Destination(output));
                if (kind != 2)
                {
                    Assert.AreEqual(remotePort, Check.DestinationPort(output));
                }

                ushort external = Check.SourcePort(output);
                if (kind != 2 && port < 1024)
                {
                    Assert.IsTrue(external >= 1 && external <= 1023, "a port below 1024 stays below 1024");
                }

                byte[] back = rig.In(Reply(kind, remote, remotePort, external), "in");
                AssertRestored(back);

                // Established now (the engine's fast path for these): the same again, with data.
                byte[] again = kind == 1 ? Packets.Tcp(Net.Host(host), port, remote, remotePort, Packets.Ack | Packets.Psh) : original;
                byte[] output2 = rig.Out(again, "out, established");
                Assert.AreEqual(Net.Wan, Check.Source(output2));
                Assert.AreEqual(external, Check.SourcePort(output2), "same mapping");
                byte[] reply2 = kind == 1 ? Packets.Tcp(remote, remotePort, Net.Wan, external, Packets.Ack | Packets.Psh) : Reply(kind, remote, remotePort, external);
                AssertRestored(rig.In(reply2, "in, established"));

                void AssertRestored(byte[] delivered)
                {
                    Assert.AreEqual(remote, Check.Source(delivered));
                    Assert.AreEqual(Net.Host(host), Check.Destination(delivered));
                    Assert.AreEqual(port, Check.DestinationPort(delivered), "LAN port / identifier restored");
                    if (kind != 2)
                    {
                        Assert.AreEqual(remotePort, Check.SourcePort(delivered));
                    }
                }
            }, iter: 1500);
        }

        /// <summary>Valid packets of every kind the engine handles, each with the state that makes it forwardable.</summary>
        private static List<(byte[] Packet, Side Side)> ForwardablePackets(NatRig rig)
        {
            var list = new List<(byte[], Side)>();
            byte[] udp = Packets.Udp(Net.HostA, 40000, Net.Server, 53);
            byte[] tcpSyn = Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1460);
            byte[] echo = Packets.EchoRequest(Net.HostA, Net.Server, 0x0101);
            byte[] esp = Packets.Esp(Net.HostA, Net.Server, 0xA0000001);
            byte[] gre = Packets.Gre(Net.HostA, Net.Server, 0x00AA00AA);
            byte[] ike = Packets.Udp(Net.HostA, 500, Net.Server, 500);
            byte[] udpWire = rig.Out(udp);
            rig.Out(tcpSyn);
            rig.In(Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Syn | Packets.Ack, mss: 1460));
            rig.Out(echo);
            rig.Out(esp);
            rig.In(Packets.Esp(Net.Server, Net.Wan, 0xA1000001));
            rig.Out(gre);
            rig.Out(ike);
            list.Add((udp, Side.Lan));
            list.Add((Packets.Udp(Net.Server, 53, Net.Wan, 40000), Side.Wan));
            list.Add((Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Ack | Packets.Psh), Side.Lan));
            list.Add((Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Ack | Packets.Psh), Side.Wan));
            list.Add((Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1460), Side.Lan));
            list.Add((echo, Side.Lan));
            list.Add((Packets.EchoReply(Net.Server, Net.Wan, 0x0101), Side.Wan));
            list.Add((esp, Side.Lan));
            list.Add((Packets.Esp(Net.Server, Net.Wan, 0xA1000001), Side.Wan));
            list.Add((gre, Side.Lan));
            list.Add((Packets.Gre(Net.Server, Net.Wan, 0x00AA00AA), Side.Wan));
            list.Add((ike, Side.Lan));
            list.Add((Packets.Udp(Net.Server, 500, Net.Wan, 500), Side.Wan));
            list.Add((Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, udpWire), Side.Wan));
            byte[] delivered = rig.In(Packets.Udp(Net.Server, 53, Net.Wan, 40000));
            list.Add((Packets.IcmpError(Net.HostA, Net.Server, IcmpV4TypeCode.UnreachablePort, delivered), Side.Lan));
            foreach ((byte[] packet, Side side) in list)
            {
                Assert.AreEqual(Verdict.Forward, rig.Process(packet, side), "the whole packet is forwardable (" + side + ", protocol " + packet[9] + ")");
            }

            return list;
        }

        [TestMethod]
        public void Process_EveryPrefixOfUnknownFlows_RejectedNeverThrows()
        {
            // No state: every packet goes the full-validation way.
            var rig = new NatRig();
            var packets = ForwardablePackets(new NatRig());
            AssertEveryPrefixRejected(rig, packets);
        }

        [TestMethod]
        public void Process_EveryPrefixOfEstablishedFlows_RejectedNeverForwarded()
        {
            // With the flows established, a truncated packet must not be forwarded either (issue #2:
            // "every prefix of a valid packet is rejected"): the buffer may hold the rest, the length says no.
            var rig = new NatRig();
            var packets = ForwardablePackets(rig);
            AssertEveryPrefixRejected(rig, packets);
        }

        private static void AssertEveryPrefixRejected(NatRig rig, List<(byte[] Packet, Side Side)> packets)
        {
            foreach ((byte[] packet, Side side) in packets)
            {
                for (int length = 0; length < packet.Length; length++)
                {
                    byte[] whole = (byte[])packet.Clone();
                    Verdict inWhole = rig.Engine.Process(whole, length, side);
                    Assert.AreNotEqual(Verdict.Forward, inWhole, "prefix " + length + " of " + packet.Length + " (protocol " + packet[9] + ", from " + side + ") in a full buffer");
                    byte[] cut = Check.Slice(packet, 0, length);
                    Verdict alone = rig.Engine.Process(cut, length, side);
                    Assert.AreNotEqual(Verdict.Forward, alone, "prefix " + length + " of " + packet.Length + " (protocol " + packet[9] + ", from " + side + ") alone");
                }
            }
        }

        [TestMethod]
        public void Process_RandomBytes_NeverThrow()
        {
            var rig = new NatRig();
            ForwardablePackets(rig);
            Gen.Select(Gen.Byte.Array[0, 120], Gen.Int[-2, 130], Gen.Bool).Sample((bytes, length, fromLan) =>
            {
                rig.Engine.Process(bytes, Math.Min(length, bytes.Length), fromLan ? Side.Lan : Side.Wan);
                rig.Engine.Process(bytes, bytes.Length, fromLan ? Side.Lan : Side.Wan);
            }, iter: 30000);
        }

        [TestMethod]
        public void Process_MutatedValidPackets_NeverThrow()
        {
            var rig = new NatRig();
            List<(byte[] Packet, Side Side)> valid = ForwardablePackets(rig);
            Gen.Select(Gen.Int[0, valid.Count - 1], Gen.Select(Gen.Int[0, 4095], Gen.Byte).Array[1, 4], Gen.Int[0, 8]).Sample((which, mutations, shorten) =>
            {
                byte[] packet = (byte[])valid[which].Packet.Clone();
                foreach ((int at, byte value) in mutations)
                {
                    packet[at % packet.Length] = value;
                }

                rig.Engine.Process(packet, Math.Max(0, packet.Length - shorten), valid[which].Side);
            }, iter: 30000);
        }

        /// <summary>One step of random traffic: a host (2..13), a kind, a small port and remote space, a direction, a time step.</summary>
        private static readonly Gen<(int Host, int Kind, int Port, int Remote, int What, int Seconds)> s_step =
            Gen.Select(Gen.Int[2, 13], Gen.Int[0, 6], Gen.Int[0, 40], Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[0, 9].Select(s => s < 7 ? 0 : s * 6));

        /// <summary>
        /// Drives random traffic (UDP, TCP with SYN/ACK/FIN, echo, ESP, GRE, IKE, replies to earlier
        /// outputs, ICMP errors about them, hairpins) and checks after every packet: no exception; a
        /// Forward has valid checksums by PacketDotNet; the table within capacity; every host within
        /// its quota; the per-host counts agree with the table's arrays.
        /// </summary>
        private static void RandomTraffic((int Host, int Kind, int Port, int Remote, int What, int Seconds)[] steps, int capacity)
        {
            var rig = new NatRig(capacity);
            var outputs = new List<(int Kind, byte[] Wire)>();
            int quota = rig.Engine.HostQuota;
            foreach (var step in steps)
            {
                if (step.Seconds > 0)
                {
                    rig.AdvanceSeconds(step.Seconds);
                }

                uint host = Net.Host(step.Host);
                ushort port = (ushort)(step.Port < 3 ? new[] { 500, 4500, 1701 }[step.Port] : 20000 + step.Port);
                uint remote = 0xC6120700 | (uint)(1 + step.Remote);
                byte[] packet;
                Side side = Side.Lan;
                int kind = step.Kind;
                if (step.What >= 7 && outputs.Count > 0)
                {
                    // A reply, or an ICMP error, about an earlier output.
                    (int k, byte[] wire) = outputs[(step.Port + step.Remote) % outputs.Count];
                    side = Side.Wan;
                    kind = k;
                    ushort external = Check.SourcePort(wire);
                    uint to = Check.Destination(wire);
                    if (step.What == 9)
                    {
                        packet = Packets.IcmpError(to, Net.Wan, IcmpV4TypeCode.UnreachableFragmentationNeeded, wire, step.Port % 2 == 0 ? 28 : wire.Length, 1400);
                    }
                    else
                    {
                        switch (k)
                        {
                            case 0:
                                packet = Packets.Udp(to, 53, Net.Wan, external);
                                break;
                            case 1:
                                packet = Packets.Tcp(to, 443, Net.Wan, external, (ushort)(step.What == 7 ? Packets.Syn | Packets.Ack : Packets.Ack | Packets.Fin));
                                break;
                            case 2:
                                packet = Packets.EchoReply(to, Net.Wan, external);
                                break;
                            case 3:
                                packet = Packets.Esp(to, Net.Wan, 0xE0000000 | (uint)step.Host);
                                break;
                            default:
                                packet = Packets.Gre(to, Net.Wan, (wire[20] & 0x20) != 0 ? Packets.ReadUInt32(wire, 24) : (uint?)null);
                                break;
                        }
                    }
                }
                else if (step.What == 6)
                {
                    // Hairpin: to the WAN address, on some port.
                    packet = Packets.Udp(host, port, Net.Wan, (ushort)(20000 + ((step.Port * 7) % 41)));
                }
                else
                {
                    switch (kind)
                    {
                        case 0:
                        case 5:
                            kind = 0;
                            packet = Packets.Udp(host, port, remote, 53);
                            break;
                        case 1:
                        case 6:
                            kind = 1;
                            packet = Packets.Tcp(host, port, remote, 443, (ushort)(step.What < 3 ? Packets.Syn : (step.What == 5 ? Packets.Fin | Packets.Ack : Packets.Ack)), mss: step.What < 3 ? 1460 : 0);
                            break;
                        case 2:
                            packet = Packets.EchoRequest(host, remote, port);
                            break;
                        case 3:
                            packet = Packets.Esp(host, remote, 0xD0000000 | (uint)step.Host);
                            break;
                        default:
                            packet = Packets.Gre(host, remote, step.Port % 2 == 0 ? null : (uint?)(0x00100000u | (uint)step.Host));
                            break;
                    }
                }

                Verdict verdict = rig.Process(packet, side, out byte[] result);
                if (verdict == Verdict.Forward)
                {
                    Check.ChecksumsValid(result, "forwarded (kind " + kind + ", from " + side + ")");
                    bool icmpError = result[9] == 1 && result[20] != 8;
                    if (side == Side.Lan && rig.Engine.Egress == Side.Wan && !icmpError)
                    {
                        outputs.Add((kind, result));
                    }
                }

                NatTable table = rig.Engine.Table;
                Assert.IsTrue(table.Count <= table.Capacity, "count " + table.Count + " within capacity");
                int[] counts = QuotaTests.CountByHost(table);
                int sum = 0;
                for (int h = 0; h < 256; h++)
                {
                    Assert.IsTrue(counts[h] <= quota, "host " + h + " holds " + counts[h] + " > quota " + quota);
                    Assert.AreEqual(counts[h], table.HostCount(h), "HostCount agrees with the table for host " + h);
                    sum += counts[h];
                }

                Assert.AreEqual(sum, table.Count, "Count agrees with the table");
            }
        }

        [TestMethod]
        public void Process_RandomTraffic_CapacityQuotasAndChecksumsHold()
        {
            s_step.Array[20, 200].Sample(steps => RandomTraffic(steps, 32), iter: 150);
        }

        [TestMethod]
        public void Process_RandomTrafficTinyTable_CapacityAndQuotasHold()
        {
            s_step.Array[20, 200].Sample(steps => RandomTraffic(steps, 8), iter: 150);
        }
    }
}
