using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Support;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>One step of random traffic: a host (2..13), a kind, a small port and remote space, what to send, a time step.</summary>
    internal sealed class TrafficStep
    {
        public TrafficStep(int host, int kind, int port, int remote, int what, int seconds)
        {
            Host = host;
            Kind = kind;
            Port = port;
            Remote = remote;
            What = what;
            Seconds = seconds;
        }

        public int Host { get; }

        public int Kind { get; }

        public int Port { get; }

        public int Remote { get; }

        public int What { get; }

        public int Seconds { get; }

        public override string ToString()
        {
            return "(" + Host + "," + Kind + "," + Port + "," + Remote + "," + What + "," + Seconds + ")";
        }

        /// <summary>The distribution CsCheck's version draws from: Int[2,13], Int[0,6], Int[0,40], Int[0,5], Int[0,9], and 0 s or 42..54 s.</summary>
        public static TrafficStep Random(TestRandom r)
        {
            int host = r.Between(2, 13);
            int kind = r.Between(0, 6);
            int port = r.Between(0, 40);
            int remote = r.Between(0, 5);
            int what = r.Between(0, 9);
            int s = r.Between(0, 9);
            return new TrafficStep(host, kind, port, remote, what, s < 7 ? 0 : s * 6);
        }
    }

    /// <summary>
    /// Properties of the engine (issue #2, "Tests") over deterministic random cases
    /// (<see cref="Property"/>), so they run in nanoCLR as on .NET: out then in restores the 5-tuple;
    /// every prefix of a valid packet is rejected; random and mutated bytes never throw; the table
    /// never exceeds its capacity and per-host quotas hold; every forwarded packet has valid checksums
    /// by the oracle (and PacketDotNet, on the host) when its input had. The bodies are shared with the
    /// host's CsCheck version (HostOnly/NatPropertyCsCheckTests), which runs more cases.
    /// </summary>
    [TestClass]
    public class NatPropertyTests
    {
        /// <summary>A remote address: anything routable on the WAN side (not the LAN, not ours, not 0/8, 127/8 or 224/3).</summary>
        internal static bool IsRemote(uint a)
        {
            return (a & 0xFFFFFF00) != (Net.RouterLan & 0xFFFFFF00) && a != Net.Wan && (a >> 24) != 0 && (a >> 24) != 127 && (a >> 24) < 224;
        }

        private static uint RandomRemote(TestRandom r)
        {
            uint a = r.NextUInt();
            while (!IsRemote(a))
            {
                a = r.NextUInt();
            }

            return a;
        }

        /// <summary>Kind 0 UDP, 1 TCP (SYN), 2 ICMP echo request.</summary>
        internal static byte[] Outbound(int kind, uint host, ushort port, uint remote, ushort remotePort)
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

        internal static byte[] Reply(int kind, uint remote, ushort remotePort, ushort external)
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

        /// <summary>
        /// One case of "out then in restores the 5-tuple": other hosts first send from the same port
        /// (forcing a remap) towards their remotes, then the host's flow goes out and its reply comes
        /// back, then both again once established (the engine's established path).
        /// </summary>
        internal static void OutThenIn(int kind, int host, ushort port, uint remote, ushort remotePort, int[] otherHosts, uint[] otherRemotes)
        {
            var rig = new NatRig();
            for (int i = 0; i < otherHosts.Length; i++)
            {
                if (otherHosts[i] != host)
                {
                    rig.Process(Outbound(kind, Net.Host(otherHosts[i]), port, otherRemotes[i], remotePort), Side.Lan);
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
            AssertRestored(back, kind, host, port, remote, remotePort);

            // Established now (the engine's established path for these): the same again, with data.
            byte[] again = kind == 1 ? Packets.Tcp(Net.Host(host), port, remote, remotePort, Packets.Ack | Packets.Psh) : original;
            byte[] output2 = rig.Out(again, "out, established");
            Assert.AreEqual(Net.Wan, Check.Source(output2));
            Assert.AreEqual(external, Check.SourcePort(output2), "same mapping");
            byte[] reply2 = kind == 1 ? Packets.Tcp(remote, remotePort, Net.Wan, external, Packets.Ack | Packets.Psh) : Reply(kind, remote, remotePort, external);
            AssertRestored(rig.In(reply2, "in, established"), kind, host, port, remote, remotePort);
        }

        private static void AssertRestored(byte[] delivered, int kind, int host, ushort port, uint remote, ushort remotePort)
        {
            Assert.AreEqual(remote, Check.Source(delivered));
            Assert.AreEqual(Net.Host(host), Check.Destination(delivered));
            Assert.AreEqual(port, Check.DestinationPort(delivered), "LAN port / identifier restored");
            if (kind != 2)
            {
                Assert.AreEqual(remotePort, Check.SourcePort(delivered));
            }
        }

        [TestMethod]
        public void Process_OutThenIn_RestoresOriginalFiveTuple()
        {
            Property.Check(nameof(Process_OutThenIn_RestoresOriginalFiveTuple), 500, r =>
            {
                int kind = r.Between(0, 2);
                int host = r.Between(2, 254);
                ushort port = (ushort)r.Between(1, 65535);
                uint remote = RandomRemote(r);
                ushort remotePort = (ushort)r.Between(1, 65535);
                int others = r.Between(0, 4);
                var otherHosts = new int[others];
                var otherRemotes = new uint[others];
                for (int i = 0; i < others; i++)
                {
                    otherHosts[i] = r.Between(2, 254);
                    otherRemotes[i] = RandomRemote(r);
                }

                OutThenIn(kind, host, port, remote, remotePort, otherHosts, otherRemotes);
            });
        }

        /// <summary>Valid packets of every kind the engine handles, each with the state that makes it forwardable; <paramref name="sides"/> says where each comes from.</summary>
        internal static byte[][] ForwardablePackets(NatRig rig, out Side[] sides)
        {
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
            byte[] delivered = rig.In(Packets.Udp(Net.Server, 53, Net.Wan, 40000));
            byte[][] packets =
            {
                udp,
                Packets.Udp(Net.Server, 53, Net.Wan, 40000),
                Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Ack | Packets.Psh),
                Packets.Tcp(Net.Server, 443, Net.Wan, 50000, Packets.Ack | Packets.Psh),
                Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1460),
                echo,
                Packets.EchoReply(Net.Server, Net.Wan, 0x0101),
                esp,
                Packets.Esp(Net.Server, Net.Wan, 0xA1000001),
                gre,
                Packets.Gre(Net.Server, Net.Wan, 0x00AA00AA),
                ike,
                Packets.Udp(Net.Server, 500, Net.Wan, 500),
                Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, udpWire),
                Packets.IcmpError(Net.HostA, Net.Server, IcmpV4TypeCode.UnreachablePort, delivered),
            };
            sides = new[]
            {
                Side.Lan, Side.Wan, Side.Lan, Side.Wan, Side.Lan, Side.Lan, Side.Wan, Side.Lan, Side.Wan, Side.Lan, Side.Wan, Side.Lan, Side.Wan, Side.Wan, Side.Lan,
            };
            for (int i = 0; i < packets.Length; i++)
            {
                // A local, not sides[i] in the text: nanoCLR 1.17 ignores "constrained." and fails
                // ToString() on an enum array element (NullReferenceException).
                Side side = sides[i];
                Assert.AreEqual(Verdict.Forward, rig.Process(packets[i], side), "the whole packet is forwardable (" + side + ", protocol " + packets[i][9] + ")");
            }

            return packets;
        }

        [TestMethod]
        public void Process_EveryPrefixOfUnknownFlows_RejectedNeverThrows()
        {
            // No state: every packet goes the full-validation way.
            var rig = new NatRig();
            byte[][] packets = ForwardablePackets(new NatRig(), out Side[] sides);
            AssertEveryPrefixRejected(rig, packets, sides);
        }

        [TestMethod]
        public void Process_EveryPrefixOfEstablishedFlows_RejectedNeverForwarded()
        {
            // With the flows established, a truncated packet must not be forwarded either (issue #2:
            // "every prefix of a valid packet is rejected"): the buffer may hold the rest, the length says no.
            var rig = new NatRig();
            byte[][] packets = ForwardablePackets(rig, out Side[] sides);
            AssertEveryPrefixRejected(rig, packets, sides);
        }

        private static void AssertEveryPrefixRejected(NatRig rig, byte[][] packets, Side[] sides)
        {
            for (int p = 0; p < packets.Length; p++)
            {
                byte[] packet = packets[p];
                Side side = sides[p];
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
            ForwardablePackets(rig, out Side[] unused);
            Property.Check(nameof(Process_RandomBytes_NeverThrow), 10000, r =>
            {
                byte[] bytes = r.Bytes(0, 120);
                int length = r.Between(-2, 130);
                Side side = r.NextBool() ? Side.Lan : Side.Wan;
                rig.Engine.Process(bytes, length < bytes.Length ? length : bytes.Length, side);
                rig.Engine.Process(bytes, bytes.Length, side);
            });
        }

        [TestMethod]
        public void Process_MutatedValidPackets_NeverThrow()
        {
            var rig = new NatRig();
            byte[][] valid = ForwardablePackets(rig, out Side[] sides);
            Property.Check(nameof(Process_MutatedValidPackets_NeverThrow), 10000, r =>
            {
                int which = r.Below(valid.Length);
                byte[] packet = (byte[])valid[which].Clone();
                int mutations = r.Between(1, 4);
                for (int i = 0; i < mutations; i++)
                {
                    int at = r.Between(0, 4095);
                    packet[at % packet.Length] = r.NextByte();
                }

                int shorten = r.Between(0, 8);
                rig.Engine.Process(packet, packet.Length > shorten ? packet.Length - shorten : 0, sides[which]);
            });
        }

        /// <summary>
        /// Drives random traffic (UDP, TCP with SYN/ACK/FIN, echo, ESP, GRE, IKE, replies to earlier
        /// outputs, ICMP errors about them, hairpins) and checks after every packet: no exception; a
        /// Forward has valid checksums by the oracle; the table within capacity; every host within its
        /// quota; the per-host counts agree with the table's arrays.
        /// </summary>
        internal static void RandomTraffic(TrafficStep[] steps, int capacity)
        {
            var rig = new NatRig(capacity);
            var outputKinds = new int[steps.Length];
            var outputs = new byte[steps.Length][];
            int outputCount = 0;
            int quota = rig.Engine.HostQuota;
            ushort[] wellKnown = { 500, 4500, 1701 };
            foreach (TrafficStep step in steps)
            {
                if (step.Seconds > 0)
                {
                    rig.AdvanceSeconds(step.Seconds);
                }

                uint host = Net.Host(step.Host);
                ushort port = step.Port < 3 ? wellKnown[step.Port] : (ushort)(20000 + step.Port);
                uint remote = 0xC6120700 | (uint)(1 + step.Remote);
                byte[] packet;
                Side side = Side.Lan;
                int kind = step.Kind;
                if (step.What >= 7 && outputCount > 0)
                {
                    // A reply, or an ICMP error, about an earlier output.
                    int earlier = (step.Port + step.Remote) % outputCount;
                    int k = outputKinds[earlier];
                    byte[] wire = outputs[earlier];
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
                                packet = (wire[20] & 0x20) != 0 ? Packets.Gre(to, Net.Wan, Packets.ReadUInt32(wire, 24)) : Packets.Gre(to, Net.Wan);
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
                            packet = step.Port % 2 == 0 ? Packets.Gre(host, remote) : Packets.Gre(host, remote, 0x00100000u | (uint)step.Host);
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
                        outputKinds[outputCount] = kind;
                        outputs[outputCount] = result;
                        outputCount++;
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

        private static TrafficStep[] RandomSteps(TestRandom r)
        {
            var steps = new TrafficStep[r.Between(20, 200)];
            for (int i = 0; i < steps.Length; i++)
            {
                steps[i] = TrafficStep.Random(r);
            }

            return steps;
        }

        [TestMethod]
        public void Process_RandomTraffic_CapacityQuotasAndChecksumsHold()
        {
            Property.Check(nameof(Process_RandomTraffic_CapacityQuotasAndChecksumsHold), 50, r => RandomTraffic(RandomSteps(r), 32));
        }

        [TestMethod]
        public void Process_RandomTrafficTinyTable_CapacityAndQuotasHold()
        {
            Property.Check(nameof(Process_RandomTrafficTinyTable_CapacityAndQuotasHold), 50, r => RandomTraffic(RandomSteps(r), 8));
        }
    }
}
