using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// ICMP errors in both directions (issue #2; RFC 5508 REQ-3/4; issue #3 "fragmentation needed
    /// translated back to the right LAN host, including for ESP/GRE/UDP flows"). The strongest
    /// check: translating an error back must restore the quoted packet to exactly the bytes the LAN
    /// host sent (or the remote sent), checksums included, and the oracle (and PacketDotNet, on the host) must find the outer ICMP
    /// checksum, the quoted IPv4 header checksum and (when quoted whole) the quoted transport
    /// checksum valid. Errors never create entries.
    /// </summary>
    [TestClass]
    public class IcmpErrorTests
    {
        /// <summary>Host A takes the LAN port first so host B's flow is remapped (port/identifier translation is exercised).</summary>
        private static byte[] RemappedFlow(NatRig rig, string kind, out byte[] sent)
        {
            switch (kind)
            {
                case "udp":
                    rig.Out(Packets.Udp(Net.HostA, 40000, Net.Server, 53));
                    sent = Packets.Udp(Net.HostB, 40000, Net.Server, 53, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 });
                    break;
                case "tcp":
                    rig.Out(Packets.Tcp(Net.HostA, 50000, Net.Server, 443, Packets.Syn, mss: 1400));
                    sent = Packets.Tcp(Net.HostB, 50000, Net.Server, 443, Packets.Syn, mss: 1400);
                    break;
                case "echo":
                    rig.Out(Packets.EchoRequest(Net.HostA, Net.Server, 0x0BEE));
                    sent = Packets.EchoRequest(Net.HostB, Net.Server, 0x0BEE, 3);
                    break;
                case "esp":
                    rig.Out(Packets.Esp(Net.HostA, Net.Server, 0x0000A001));
                    sent = Packets.Esp(Net.HostB, Net.Server, 0x0000B001);
                    break;
                default:
                    rig.Out(Packets.Gre(Net.HostA, Net.Server, 0x0A0A0A0A));
                    sent = Packets.Gre(Net.HostB, Net.Server, 0x0B0B0B0B);
                    break;
            }

            byte[] wire = rig.Out(sent, kind + " flow");
            if (kind == "udp" || kind == "tcp" || kind == "echo")
            {
                Assert.AreNotEqual(Check.SourcePort(sent), Check.SourcePort(wire), kind + ": host B's flow is remapped");
            }

            return wire;
        }

        [DataRow("udp", 1)] // 1 = the whole packet quoted: DataRow takes int/long/string only
        [DataRow("udp", 0)]
        [DataRow("tcp", 1)]
        [DataRow("tcp", 0)]
        [DataRow("echo", 1)]
        [DataRow("echo", 0)]
        [DataRow("esp", 0)]
        [DataRow("esp", 1)]
        [DataRow("gre", 0)]
        [TestMethod]
        public void Process_FragNeededFromWanAboutOutbound_BackToHostWithQuoteRestored(string kind, int wholeQuote)
        {
            bool quoteWhole = wholeQuote != 0;
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, kind, out byte[] sent);
            int count = rig.Engine.Table.Count;
            int quotedLength = quoteWhole ? wire.Length : 28;
            byte[] error = Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachableFragmentationNeeded, wire, quotedLength, restOfHeader: 1400);

            byte[] back = rig.In(error, kind + " frag-needed");
            Assert.AreEqual(Net.HostB, Check.Destination(back), "outer destination: the LAN host");
            Assert.AreEqual(Net.Server, Check.Source(back));
            Assert.AreEqual(3, (int)back[20]);
            Assert.AreEqual(4, (int)back[21]);
            Assert.AreEqual(1400, (int)Packets.ReadUInt16(back, 26), "next-hop MTU kept");
            CollectionAssert.AreEqual(Check.Slice(sent, 0, quotedLength), Check.Quoted(back), "the quoted packet is what host B sent");
            Assert.AreEqual(count, rig.Engine.Table.Count, "errors create no entries");
        }

        [DataRow("udp")]
        [DataRow("tcp")]
        [DataRow("echo")]
        [TestMethod]
        public void Process_PortUnreachableFromWan_BackToHost(string kind)
        {
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, kind, out byte[] sent);
            byte[] back = rig.In(Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, wire), kind + " port unreachable");
            Assert.AreEqual(Net.HostB, Check.Destination(back));
            CollectionAssert.AreEqual(sent, Check.Quoted(back));
        }

        [DataRow("udp")]
        [DataRow("esp")]
        [DataRow("gre")]
        [TestMethod]
        public void Process_FragNeededFromIntermediateRouter_BackToHost(string kind)
        {
            // Path MTU discovery: the error comes from a router on the path, not from the remote.
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, kind, out byte[] sent);
            byte[] error = Packets.IcmpError(Net.HopRouter, Net.Wan, IcmpV4TypeCode.UnreachableFragmentationNeeded, wire, 28, restOfHeader: 1280);
            byte[] back = rig.In(error, kind + " from a hop");
            Assert.AreEqual(Net.HostB, Check.Destination(back));
            Assert.AreEqual(Net.HopRouter, Check.Source(back));
            CollectionAssert.AreEqual(Check.Slice(sent, 0, 28), Check.Quoted(back));
        }

        [TestMethod]
        public void Process_TimeExceededFromHop_BackToHost()
        {
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, "udp", out byte[] sent);
            byte[] back = rig.In(Packets.IcmpError(Net.HopRouter, Net.Wan, IcmpV4TypeCode.TimeExceeded, wire, 28), "traceroute");
            Assert.AreEqual(Net.HostB, Check.Destination(back));
            CollectionAssert.AreEqual(Check.Slice(sent, 0, 28), Check.Quoted(back));
        }

        [TestMethod]
        public void Process_ErrorWithBadIcmpChecksum_Dropped()
        {
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, "udp", out byte[] unused);
            byte[] error = Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, wire, 28);
            error[22] ^= 0x5A;
            Assert.AreNotEqual(Verdict.Forward, rig.Process(error, Side.Wan));
        }

        [TestMethod]
        public void Process_ErrorAboutAnotherRemote_Dropped()
        {
            // The quoted packet claims to have gone to a remote the mapping never contacted.
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, "udp", out byte[] unused);
            byte[] forged = Packets.Udp(Net.Wan, Check.SourcePort(wire), Net.Stranger, 53);
            rig.Dropped(Packets.IcmpError(Net.Stranger, Net.Wan, IcmpV4TypeCode.UnreachablePort, forged, 28), Side.Wan, DropReason.IcmpNoMapping, "forged error");
        }

        [DataRow("udp", 9999)]
        [DataRow("udp", 7777)]
        [DataRow("tcp", 9999)]
        [DataRow("tcp", 7777)]
        [TestMethod]
        public void Process_ErrorFromWanQuotingAnotherRemotePort_DroppedNoMapping(string kind, int remotePort)
        {
            // The quote names the right mapping and remote address but a port the session never
            // sent to: no session of the flow matches the whole quoted 5-tuple (Linux drops it too).
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, kind, out byte[] unused);
            byte[] forged = kind == "udp"
                ? Packets.Udp(Net.Wan, Check.SourcePort(wire), Net.Server, (ushort)remotePort)
                : Packets.Tcp(Net.Wan, Check.SourcePort(wire), Net.Server, (ushort)remotePort, Packets.Syn, mss: 1400);
            rig.Dropped(Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, forged, 28), Side.Wan, DropReason.IcmpNoMapping, "quoted remote port " + remotePort);
            rig.Dropped(Packets.IcmpError(Net.HopRouter, Net.Wan, IcmpV4TypeCode.UnreachableFragmentationNeeded, forged, 28, 1280), Side.Wan, DropReason.IcmpNoMapping, "frag-needed, port " + remotePort);
            rig.In(Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, wire, 28), "the genuine quote still passes");
        }

        [DataRow("udp", 9999)]
        [DataRow("tcp", 7777)]
        [TestMethod]
        public void Process_ErrorFromLanQuotingAnotherRemotePort_DroppedNoMapping(string kind, int remotePort)
        {
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, kind, out byte[] sent);
            ushort external = Check.SourcePort(wire);
            byte[] delivered = rig.In(kind == "udp"
                ? Packets.Udp(Net.Server, 53, Net.Wan, external)
                : Packets.Tcp(Net.Server, 443, Net.Wan, external, Packets.Syn | Packets.Ack, mss: 1400));
            byte[] claimed = kind == "udp"
                ? Packets.Udp(Net.Server, (ushort)remotePort, Net.HostB, Check.SourcePort(sent))
                : Packets.Tcp(Net.Server, (ushort)remotePort, Net.HostB, Check.SourcePort(sent), Packets.Syn | Packets.Ack, mss: 1400);
            rig.Dropped(Packets.IcmpError(Net.HostB, Net.Server, IcmpV4TypeCode.UnreachablePort, claimed, 28), Side.Lan, DropReason.IcmpNoMapping, "from the LAN, port " + remotePort);
            rig.Out(Packets.IcmpError(Net.HostB, Net.Server, IcmpV4TypeCode.UnreachablePort, delivered, 28), "the genuine quote still passes");
        }

        [DataRow("udp", 1)]
        [DataRow("udp", 0)]
        [DataRow("tcp", 1)]
        [DataRow("tcp", 0)]
        [TestMethod]
        public void Process_ErrorFromLanAboutInbound_GoesOutTranslated(string kind, int wholeQuote)
        {
            bool quoteWhole = wholeQuote != 0;
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, kind, out _);
            ushort external = Check.SourcePort(wire);
            byte[] fromServer = kind == "udp"
                ? Packets.Udp(Net.Server, 53, Net.Wan, external, new byte[] { 7, 7, 7, 7, 7, 7, 7, 7, 7 })
                : Packets.Tcp(Net.Server, 443, Net.Wan, external, Packets.Syn | Packets.Ack, mss: 1400);
            byte[] delivered = rig.In(fromServer, "inbound " + kind);
            int count = rig.Engine.Table.Count;

            int quotedLength = quoteWhole ? delivered.Length : 28;
            IcmpV4TypeCode code = kind == "udp" ? IcmpV4TypeCode.UnreachablePort : IcmpV4TypeCode.UnreachableHost;
            byte[] error = Packets.IcmpError(Net.HostB, Net.Server, code, delivered, quotedLength);
            byte[] output = rig.Out(error, kind + " error from the LAN");
            Assert.AreEqual(Net.Wan, Check.Source(output), "outer source: the WAN address");
            Assert.AreEqual(Net.Server, Check.Destination(output));
            CollectionAssert.AreEqual(Check.Slice(fromServer, 0, quotedLength), Check.Quoted(output), "the quoted packet is what the server sent");
            Assert.AreEqual(count, rig.Engine.Table.Count);
        }

        [TestMethod]
        public void Process_ErrorFromLanAboutNothing_DroppedNoEntry()
        {
            var rig = new NatRig();
            byte[] neverSeen = Packets.Udp(Net.Server, 53, Net.HostA, 41000);
            rig.Dropped(Packets.IcmpError(Net.HostA, Net.Server, IcmpV4TypeCode.UnreachablePort, neverSeen), Side.Lan, DropReason.IcmpNoMapping, "error about nothing");
        }

        [TestMethod]
        public void Process_TranslatedErrors_Counted()
        {
            var rig = new NatRig();
            byte[] wire = RemappedFlow(rig, "udp", out byte[] unused);
            int before = rig.Engine.IcmpErrorsTranslated;
            rig.In(Packets.IcmpError(Net.Server, Net.Wan, IcmpV4TypeCode.UnreachablePort, wire, 28));
            Assert.AreEqual(before + 1, rig.Engine.IcmpErrorsTranslated);
        }
    }
}
