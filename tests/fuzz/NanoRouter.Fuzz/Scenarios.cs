using System;
using NanoRouter.Core.Flow;
using NanoRouter.Core.Passthrough;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>
    /// Fixed differential scenarios (stage 62): hand-built packet sequences through a differential
    /// <see cref="EngineRig"/> (native flow path + engine against the engine alone, every packet
    /// compared), each with its own checks of what the native path must have done. They hold cases
    /// the random run reaches only rarely; the first was found by the 10^8 run (seed 1, packet
    /// 1,299,769): a keyed GRE mapping was installed with its inbound key for both directions, so
    /// a LAN host's packets on a key that differs from the peer's went managed, or were stamped on
    /// the host's other mapping whose inbound key equalled it, and that mapping's last-seen stamp
    /// decided an eviction the reference engine did not make.
    /// </summary>
    internal static class Scenarios
    {
        private const uint Peer = 0xC6120001;   // 198.18.0.1
        private const uint HostA = 0xC6130402;  // 198.19.4.2
        private const uint HostB = 0xC6130403;  // 198.19.4.3

        public static int Run()
        {
            int checks = 0;
            int failures = 0;
            void Expect(bool condition, string what)
            {
                checks++;
                Console.WriteLine((condition ? "ok: " : "FAILED: ") + what);
                if (!condition)
                {
                    failures++;
                }
            }

            try
            {
                GreKeys(Expect);
                GreKeyOfAnotherMapping(Expect);
                NatTRemotePort(Expect);
                UdpWithoutChecksum(Expect);
            }
            catch (InvariantException e)
            {
                failures++;
                Console.WriteLine("FAILED: " + e.Message);
            }

            Console.WriteLine("differential-scenarios " + (failures == 0 ? "ok" : "FAILED") + " checks=" + checks + " failures=" + failures);
            return failures == 0 ? 0 : 1;
        }

        /// <summary>Two hosts to one peer, one with symmetric keys, one with keys that differ per direction:
        /// once both keys are known, every packet either way is forwarded by the native path.</summary>
        private static void GreKeys(Action<bool, string> expect)
        {
            var rig = new EngineRig(1000, 1, 16);
            byte[] b = new byte[EngineRig.MaxPacket];
            Establish(rig, b, HostA, 0x0A0A0A0A, 0x0A0A0A0A);
            Establish(rig, b, HostB, 0x11111111, 0x22222222);
            long hits = rig.NativeHits;
            int sent = 0;
            for (int round = 0; round < 20; round++)
            {
                sent += Both(rig, b, HostA, 0x0A0A0A0A, 0x0A0A0A0A);
                sent += Both(rig, b, HostB, 0x11111111, 0x22222222);
            }

            rig.Advance(1000);
            expect(rig.NativeHits - hits == sent, "GRE keys: all " + sent + " packets of two established keyed tunnels (one asymmetric) forwarded natively (got " + (rig.NativeHits - hits) + ")");
            expect(rig.Comparisons > 0, "GRE keys: counters compared with the reference engine (" + rig.Comparisons + " times)");
        }

        /// <summary>
        /// One host, two mappings to one peer: X sends on key K and gets the peer's key L back; Y sends on
        /// key M and the peer answers it on K (keys are per direction). The host's packets on K belong to
        /// X. Time passes with only those flowing, then a new mapping needs room: X must still count as
        /// fresh, as it does in the reference engine.
        /// </summary>
        private static void GreKeyOfAnotherMapping(Action<bool, string> expect)
        {
            var rig = new EngineRig(5000, 1, 16);
            byte[] b = new byte[EngineRig.MaxPacket];
            const uint K = 0x3D000000;
            const uint L = 0x3D000200;
            const uint M = 0x3D000008;
            Establish(rig, b, HostA, K, L);
            Establish(rig, b, HostA, M, K);
            long hits = rig.NativeHits;
            for (int second = 0; second < 40; second++)
            {
                rig.Advance(1000);
                Send(rig, b, Side.Lan, HostA, Peer, K);
            }

            expect(rig.NativeHits - hits == 40, "GRE key of another mapping: the host's 40 packets on key K forwarded natively (got " + (rig.NativeHits - hits) + ")");
            rig.Engine.Flows.RefreshAll();
            TunnelTable gre = rig.Engine.GreMappings;
            TunnelTable reference = rig.Reference.GreMappings;
            bool same = true;
            for (int e = 0; e < gre.Capacity; e++)
            {
                same &= gre.Flags[e] == reference.Flags[e] && (gre.Flags[e] == 0 || gre.Seen[e] == reference.Seen[e]);
            }

            expect(same, "GRE key of another mapping: every mapping's last-seen stamp, read back from the native path, equals the reference engine's");

            // Fill the table: every new host's mapping gets the same answer from both engines (the rig
            // compares each packet), Y (idle 40 s) is evicted for one of them, X (fresh) for none.
            int forwarded = 0;
            int full = 0;
            for (int host = 10; host < 10 + gre.Capacity; host++)
            {
                Verdict verdict = Send(rig, b, Side.Lan, 0xC6130400 | (uint)host, Peer, 0x5000 + (uint)host);
                forwarded += verdict == Verdict.Forward ? 1 : 0;
                full += verdict == Verdict.Drop && rig.Engine.LastDrop == Core.Nat.DropReason.TableFull ? 1 : 0;
            }

            expect(forwarded == gre.Capacity - 1 && full == 1, "GRE key of another mapping: of " + gre.Capacity + " new mappings, " + forwarded + " forwarded (expected "
                + (gre.Capacity - 1) + ": the free entries and idle Y's) and " + full + " refused TableFull (expected 1: X is fresh), both engines alike");
        }

        /// <summary>
        /// A NAT-T session (LAN port 4500 to the server's 4500) is offloaded once ESP-in-UDP went each
        /// way, with its remote port: its ESP-in-UDP and IKE (non-ESP marker) datagrams are forwarded
        /// natively and count as NAT-T; a datagram from the same LAN port to the server's port 500 is
        /// not (the engine counts it as IKE), and an IKE-only session is never offloaded.
        /// </summary>
        private static void NatTRemotePort(Action<bool, string> expect)
        {
            var rig = new EngineRig(9000, 1, 16);
            byte[] b = new byte[EngineRig.MaxPacket];
            byte[] ike = new byte[48]; // the non-ESP marker (four zero bytes), then an IKE header
            ike[4] = 0x11;
            ike[20] = 0x25;
            Expect(Udp(rig, b, Side.Lan, HostA, 4500, Peer, 4500, ike) == Verdict.Forward, "IKE on 4500 out");
            Expect(Udp(rig, b, Side.Wan, Peer, 4500, EngineRig.WanAddress, 4500, ike) == Verdict.Forward, "IKE on 4500 in");
            Expect(Udp(rig, b, Side.Lan, HostA, 4500, Peer, 4500, ike) == Verdict.Forward, "IKE on 4500 out again");
            expect(rig.Engine.Flows.Offloaded == 0, "NAT-T: a session that carried only IKE is not offloaded (offloaded " + rig.Engine.Flows.Offloaded + ")");
            for (int i = 0; i < 2; i++)
            {
                Expect(Udp(rig, b, Side.Lan, HostA, 4500, Peer, 4500, null) == Verdict.Forward, "ESP-in-UDP out");
                Expect(Udp(rig, b, Side.Wan, Peer, 4500, EngineRig.WanAddress, 4500, null) == Verdict.Forward, "ESP-in-UDP in");
            }

            expect(rig.Engine.Flows.Offloaded == 1, "NAT-T: offloaded after ESP-in-UDP each way (offloaded " + rig.Engine.Flows.Offloaded + ")");
            long hits = rig.NativeHits;
            for (int i = 0; i < 10; i++)
            {
                Udp(rig, b, Side.Lan, HostA, 4500, Peer, 4500, null);
                Udp(rig, b, Side.Wan, Peer, 4500, EngineRig.WanAddress, 4500, null);
            }

            Udp(rig, b, Side.Lan, HostA, 4500, Peer, 4500, ike);
            expect(rig.NativeHits - hits == 21, "NAT-T: 20 ESP-in-UDP datagrams and an IKE one on 4500 forwarded natively (got " + (rig.NativeHits - hits) + ")");
            hits = rig.NativeHits;
            Verdict toIke = Udp(rig, b, Side.Lan, HostA, 4500, Peer, 500, ike);
            expect(rig.NativeHits == hits && toIke == Verdict.Forward, "NAT-T: a datagram from LAN port 4500 to the server's port 500 is forwarded by the engine, not natively");
            rig.Advance(1000);
            expect(rig.Comparisons > 0, "NAT-T: per-rule counters (IKE and NAT-T, packets in and out) equal the reference engine's after the read-back (" + rig.Comparisons + " comparisons)");
        }

        /// <summary>
        /// A UDP datagram without a checksum (0) on an established plain session is that session's,
        /// whichever remote port it goes to, as one with a checksum is (sessions are 4-tuples): the
        /// native path forwards it, and so must the engine, which once sent such datagrams to its
        /// full path, where one to a VPN port (500 here) was counted as IKE.
        /// </summary>
        private static void UdpWithoutChecksum(Action<bool, string> expect)
        {
            var rig = new EngineRig(9100, 1, 16);
            byte[] b = new byte[EngineRig.MaxPacket];
            for (int i = 0; i < 2; i++)
            {
                Expect(Udp(rig, b, Side.Lan, HostB, 5300, Peer, 53, null) == Verdict.Forward, "plain UDP out");
                Expect(Udp(rig, b, Side.Wan, Peer, 53, EngineRig.WanAddress, 5300, null) == Verdict.Forward, "plain UDP in");
            }

            expect(rig.Engine.Flows.Offloaded == 1, "UDP without checksum: the plain session is offloaded (offloaded " + rig.Engine.Flows.Offloaded + ")");
            long hits = rig.NativeHits;
            int ikeOut = rig.Engine.Passthrough.PacketsOut(PassthroughProtocol.Ike);
            int length = PacketWriter.Udp(b, HostB, 5300, Peer, 500, 40, null);
            b[26] = 0;
            b[27] = 0;
            Verdict verdict = rig.Step(b, length, Side.Lan);
            expect(verdict == Verdict.Forward && rig.NativeHits == hits + 1, "UDP without checksum: a datagram to the peer's port 500 on the plain session is forwarded natively (" + verdict + ", native " + (rig.NativeHits - hits) + ")");
            rig.Advance(1000);
            expect(rig.Comparisons > 0 && rig.Engine.Passthrough.PacketsOut(PassthroughProtocol.Ike) == ikeOut, "UDP without checksum: no IKE packet counted, and every counter equals the reference engine's (" + rig.Comparisons + " comparisons)");
        }

        private static Verdict Udp(EngineRig rig, byte[] b, Side side, uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] payload)
        {
            int length = PacketWriter.Udp(b, source, sourcePort, destination, destinationPort, payload == null ? 40 : payload.Length, payload);
            return rig.Step(b, length, side);
        }

        /// <summary>LAN host to peer on <paramref name="outKey"/>, the peer's answer on <paramref name="inKey"/>
        /// (bound to the host's most recent unbound mapping), and one more each way (installs it).</summary>
        private static void Establish(EngineRig rig, byte[] b, uint host, uint outKey, uint inKey)
        {
            Expect(Send(rig, b, Side.Lan, host, Peer, outKey) == Verdict.Forward, "first GRE packet from the LAN forwarded");
            Expect(Send(rig, b, Side.Wan, Peer, EngineRig.WanAddress, inKey) == Verdict.Forward, "the peer's first GRE packet forwarded");
            Both(rig, b, host, outKey, inKey);
        }

        private static int Both(EngineRig rig, byte[] b, uint host, uint outKey, uint inKey)
        {
            Expect(Send(rig, b, Side.Lan, host, Peer, outKey) == Verdict.Forward, "GRE to the peer forwarded");
            Expect(Send(rig, b, Side.Wan, Peer, EngineRig.WanAddress, inKey) == Verdict.Forward, "GRE from the peer forwarded");
            Expect(rig.Egress == Side.Lan && Be.U32(b, 16) == host, "GRE from the peer reaches its host");
            return 2;
        }

        private static Verdict Send(EngineRig rig, byte[] b, Side side, uint source, uint destination, uint key)
        {
            int length = PacketWriter.GreV0(b, source, destination, true, key, 40);
            return rig.Step(b, length, side);
        }

        private static void Expect(bool condition, string what)
        {
            if (!condition)
            {
                throw new InvariantException("scenario: " + what);
            }
        }
    }
}
