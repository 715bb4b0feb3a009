using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Passthrough;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// One PPTP control connection (TCP to port 1723) and its calls through the whole engine: the TCP
    /// session, the tracker and GRE v1 (RFC 2637 section 4.1: K and S set, protocol 0x880B, the
    /// receiver's Call ID) together. Segments come from the RFC 2637 fixtures inside TCP/IPv4 built by
    /// the oracle; both TCP sides keep coherent sequence numbers, so the engine's RST/FIN checks accept
    /// the ones a real endpoint would.
    /// </summary>
    internal sealed class PptpThroughNat
    {
        public const ushort ServerPort = 1723;

        public PptpThroughNat(NatRig rig, uint host, ushort clientPort, uint clientIsn = 0x11111111, uint serverIsn = 0x77777777)
        {
            Rig = rig;
            Host = host;
            ClientPort = clientPort;
            ClientSeq = clientIsn;
            ServerSeq = serverIsn;
        }

        public NatRig Rig { get; }

        public uint Host { get; }

        public ushort ClientPort { get; }

        public uint ClientSeq { get; set; }

        public uint ServerSeq { get; set; }

        public ushort External { get; private set; }

        /// <summary>TCP handshake, then SCCRQ and SCCRP.</summary>
        public PptpThroughNat Connect()
        {
            External = Check.SourcePort(Rig.Out(PptpFixtures.TcpSegment(Host, Net.Server, ClientPort, ServerPort, ClientSeq, 0, true, false, new byte[0]), "SYN"));
            ClientSeq++;
            Rig.In(PptpFixtures.TcpSegment(Net.Server, Net.Wan, ServerPort, External, ServerSeq, ClientSeq, true, true, new byte[0]), "SYN-ACK");
            ServerSeq++;
            Rig.Out(PptpFixtures.TcpSegment(Host, Net.Server, ClientPort, ServerPort, ClientSeq, ServerSeq, false, true, new byte[0]), "ACK");
            Out(PptpFixtures.Sccrq());
            In(PptpFixtures.Sccrp());
            return this;
        }

        /// <summary>Client data in sequence; returns the data as the server gets it.</summary>
        public byte[] Out(byte[] payload)
        {
            byte[] sent = Rig.Out(PptpFixtures.TcpSegment(Host, Net.Server, ClientPort, ServerPort, ClientSeq, ServerSeq, false, true, payload), "control out");
            ClientSeq += (uint)payload.Length;
            return PptpFixtures.CheckedPayload(sent);
        }

        /// <summary>Server data in sequence, and the client's ACK of it; returns the data as the client gets it.</summary>
        public byte[] In(byte[] payload)
        {
            byte[] received = Rig.In(PptpFixtures.TcpSegment(Net.Server, Net.Wan, ServerPort, External, ServerSeq, ClientSeq, false, true, payload), "control in");
            ServerSeq += (uint)payload.Length;
            Rig.Out(PptpFixtures.TcpSegment(Host, Net.Server, ClientPort, ServerPort, ClientSeq, ServerSeq, false, true, new byte[0]), "client ACK");
            return PptpFixtures.CheckedPayload(received);
        }

        /// <summary>OCRQ with the client's Call ID, OCRP with the server's: returns the Call ID the server was given.</summary>
        public ushort Call(ushort clientCallId, ushort pacCallId)
        {
            ushort external = PptpFixtures.Get16(Out(PptpFixtures.Ocrq(clientCallId, 1)), 12);
            In(PptpFixtures.Ocrp(pacCallId, external, 1));
            return external;
        }

        /// <summary>A segment with other flags (FIN, RST) at the sender's next sequence number, not sent.</summary>
        public byte[] ClientSegment(int flags)
        {
            return Oracle.Tcp(Host, Net.Server, ClientPort, ServerPort, ClientSeq, ServerSeq, (ushort)flags, 64240, 0, new byte[0], new byte[0], 64, 0x4242, 0);
        }

        public byte[] ServerSegment(int flags)
        {
            return Oracle.Tcp(Net.Server, Net.Wan, ServerPort, External, ServerSeq, ClientSeq, (ushort)flags, 64240, 0, new byte[0], new byte[0], 64, 0x4242, 0);
        }

        /// <summary>GRE v1 from the server to the router, carrying the Call ID it was given.</summary>
        public static byte[] GreFromServer(ushort callId, uint sequence = 1)
        {
            return Gre(Net.Server, Net.Wan, callId, sequence);
        }

        /// <summary>GRE v1 from a LAN host to the server, carrying the server's Call ID.</summary>
        public static byte[] GreFromClient(uint host, ushort pacCallId, uint sequence = 1)
        {
            return Gre(host, Net.Server, pacCallId, sequence);
        }

        private static byte[] Gre(uint source, uint destination, ushort callId, uint sequence)
        {
            byte[] ppp = { 0xFF, 0x03, 0xC0, 0x21, 0x09, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00 };
            var gre = new byte[12 + ppp.Length];
            gre[0] = 0x30; // K, S
            gre[1] = 0x01; // version 1
            gre[2] = 0x88;
            gre[3] = 0x0B;
            Oracle.Put16(gre, 4, ppp.Length);
            Oracle.Put16(gre, 6, callId);
            Oracle.Put32(gre, 8, sequence);
            System.Array.Copy(ppp, 0, gre, 12, ppp.Length);
            return Packets.Raw(source, destination, Oracle.ProtocolGre, gre);
        }
    }

    /// <summary>
    /// PPTP calls end with their control connection (issue 15, item 2), through the engine: a FIN or
    /// RST the receiver accepts ends them at once, a control connection whose NAT session expires or
    /// that sends nothing for the idle timeout takes them along, whatever GRE keeps coming; a TCP
    /// connection to port 1723 that is not PPTP opens no GRE path; one LAN host cannot take the
    /// tracker's tables from another.
    /// </summary>
    [TestClass]
    public class PptpEngineTests
    {
        private const ushort ClientCallId = 0x4000;
        private const ushort PacCallId = 0x0050;

        private static NatRig Rig(int udpSeconds = 300, int tcpEstablishedSeconds = 7440)
        {
            return new NatRig(256, o =>
            {
                o.TunnelCapacity = 32;
                o.UdpTimeoutMs = udpSeconds * 1000;
                o.TcpEstablishedTimeoutMs = tcpEstablishedSeconds * 1000;
            });
        }

        private static bool GreIn(NatRig rig, ushort external)
        {
            return rig.Process(PptpThroughNat.GreFromServer(external), Side.Wan) == Verdict.Forward;
        }

        [TestMethod]
        public void Call_CarriesGreBothWays()
        {
            NatRig rig = Rig();
            PptpThroughNat c = new PptpThroughNat(rig, Net.HostA, 40001).Connect();
            ushort external = c.Call(ClientCallId, PacCallId);
            byte[] delivered = rig.In(PptpThroughNat.GreFromServer(external));
            Assert.AreEqual(Net.HostA, Check.Destination(delivered));
            Assert.AreEqual(ClientCallId, Packets.ReadUInt16(delivered, 26), "the client's own Call ID");
            rig.Out(PptpThroughNat.GreFromClient(Net.HostA, PacCallId));
        }

        [DataRow("client-fin")]
        [DataRow("server-fin")]
        [DataRow("client-rst")]
        [DataRow("server-rst")]
        [TestMethod]
        public void ControlConnectionClosed_CallsEndAtOnce(string how)
        {
            NatRig rig = Rig();
            PptpThroughNat c = new PptpThroughNat(rig, Net.HostA, 40001).Connect();
            ushort external = c.Call(ClientCallId, PacCallId);
            Assert.IsTrue(GreIn(rig, external));
            int flags = how.EndsWith("fin") ? Packets.Fin | Packets.Ack : Packets.Rst | Packets.Ack;
            if (how.StartsWith("client"))
            {
                rig.Out(c.ClientSegment(flags), how);
            }
            else
            {
                rig.In(c.ServerSegment(flags), how);
            }

            Assert.AreEqual(0, rig.Engine.Pptp.ActiveCalls, how);
            Assert.IsFalse(GreIn(rig, external), "GRE from the server after " + how);
            Assert.AreEqual(Verdict.Drop, rig.Process(PptpThroughNat.GreFromClient(Net.HostA, PacCallId), Side.Lan), "GRE from the client after " + how);
        }

        [TestMethod]
        public void SpoofedRst_OutOfSequence_CallLivesOn()
        {
            // The RST/FIN rules of item 1 guard the calls too: a blind RST ends nothing.
            NatRig rig = Rig();
            PptpThroughNat c = new PptpThroughNat(rig, Net.HostA, 40001).Connect();
            ushort external = c.Call(ClientCallId, PacCallId);
            c.ServerSeq += 1000;
            rig.In(c.ServerSegment(Packets.Rst), "a RST 1000 bytes ahead");
            c.ServerSeq -= 1000;
            Assert.IsTrue(GreIn(rig, external));
            Assert.AreEqual(1, rig.Engine.Pptp.ActiveCalls);
        }

        [TestMethod]
        public void ControlConnectionSilent_CallEndsWithIt_WhateverGreFlows()
        {
            // The case: one GRE packet every 120 s kept a call of a dead control connection
            // alive. The control connection is idle from here on; the call must go with it after the
            // idle timeout (300 s) however much GRE comes.
            NatRig rig = Rig();
            PptpThroughNat c = new PptpThroughNat(rig, Net.HostA, 40001).Connect();
            ushort external = c.Call(ClientCallId, PacCallId);
            for (int t = 120; t <= 600; t += 120)
            {
                rig.AdvanceSeconds(120);
                Assert.AreEqual(t < 300, GreIn(rig, external), "GRE at " + t + " s");
            }
        }

        [TestMethod]
        public void ControlConnectionsNatSessionExpires_CallEndsWithIt()
        {
            // TCP established timeout 150 s: the control connection's NAT session expires first; GRE
            // every 60 s must not keep its call.
            NatRig rig = Rig(300, 150);
            PptpThroughNat c = new PptpThroughNat(rig, Net.HostA, 40001).Connect();
            ushort external = c.Call(ClientCallId, PacCallId);
            for (int t = 60; t <= 300; t += 60)
            {
                rig.AdvanceSeconds(60);
                Assert.AreEqual(t < 150, GreIn(rig, external), "GRE at " + t + " s");
            }

            Assert.AreEqual(0, rig.Engine.Pptp.ActiveConnections);
        }

        [TestMethod]
        public void HttpPostToPort1723_WithAnOcrqInItsBody_AttackersGreReachesNoLanHost()
        {
            NatRig rig = Rig();
            var c = new PptpThroughNat(rig, Net.HostA, 40001);
            // The TCP handshake alone, then what a browser sends: a request line, headers, a body.
            rig.Out(PptpFixtures.TcpSegment(Net.HostA, Net.Server, 40001, 1723, c.ClientSeq, 0, true, false, new byte[0]));
            c.ClientSeq++;
            rig.In(PptpFixtures.TcpSegment(Net.Server, Net.Wan, 1723, 40001, c.ServerSeq, c.ClientSeq, true, true, new byte[0]));
            c.ServerSeq++;
            string header = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 168\r\n\r\n";
            var bytes = new byte[header.Length];
            for (int i = 0; i < header.Length; i++)
            {
                bytes[i] = (byte)header[i];
            }

            rig.Out(PptpFixtures.TcpSegment(Net.HostA, Net.Server, 40001, 1723, c.ClientSeq, c.ServerSeq, false, true, bytes));
            c.ClientSeq += (uint)bytes.Length;
            byte[] body = PptpFixtures.Ocrq(ClientCallId, 1);
            rig.Out(PptpFixtures.TcpSegment(Net.HostA, Net.Server, 40001, 1723, c.ClientSeq, c.ServerSeq, false, true, body));
            c.ClientSeq += (uint)body.Length;
            rig.In(PptpFixtures.TcpSegment(Net.Server, Net.Wan, 1723, 40001, c.ServerSeq, c.ClientSeq, false, true, PptpFixtures.Ocrp(0x0666, ClientCallId, 1)));
            Assert.AreEqual(0, rig.Engine.Pptp.ActiveCalls);
            Assert.IsFalse(GreIn(rig, ClientCallId), "the attacker's GRE");
        }

        [TestMethod]
        public void OneHostFillsTheTables_AnotherHostsCallStillWorks()
        {
            // 32 calls, 16 connections (the engine's tracker at TunnelCapacity 32). Host A opens 16
            // control connections with 4 calls each; host B's genuine call must still get through.
            NatRig rig = Rig();
            for (int k = 0; k < 16; k++)
            {
                PptpThroughNat a = new PptpThroughNat(rig, Net.HostA, (ushort)(41000 + k), 0x1000u * (uint)(k + 1), 0x9000u * (uint)(k + 1)).Connect();
                for (int call = 0; call < 4; call++)
                {
                    a.Call((ushort)(0x0100 * (k + 1) + call), (ushort)(0x2000 + (k * 4) + call));
                }
            }

            Assert.IsTrue(rig.Engine.Pptp.ActiveCalls <= 8, "host A holds " + rig.Engine.Pptp.ActiveCalls + " calls");
            PptpThroughNat b = new PptpThroughNat(rig, Net.HostB, 40001).Connect();
            ushort external = b.Call(ClientCallId, PacCallId);
            byte[] delivered = rig.In(PptpThroughNat.GreFromServer(external));
            Assert.AreEqual(Net.HostB, Check.Destination(delivered));
            rig.Out(PptpThroughNat.GreFromClient(Net.HostB, PacCallId));
        }
    }
}
