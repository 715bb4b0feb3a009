using NanoRouter.Core.Nat;
using NanoRouter.Hal;
using NanoRouter.Tests.Wire;

namespace NanoRouter.Tests.Nat
{
    /// <summary>
    /// One TCP connection through a <see cref="NatRig"/> with coherent sequence numbers (RFC 793):
    /// each side's next sequence number and what it has acknowledged, its raw window and its window
    /// scale (RFC 7323: offered in the SYN, in force only when both SYNs carried it). Segments are
    /// built by the oracle; <see cref="FromLan"/> and <see cref="FromRemote"/> send one and require it
    /// forwarded. The LAN host is HostA:50000, the remote Server:443.
    /// </summary>
    internal sealed class TcpFlow
    {
        public const ushort LanPort = 50000;
        public const ushort RemotePort = 443;

        public TcpFlow(NatRig rig, uint lanIsn, uint remoteIsn, int lanShift, int remoteShift)
        {
            Rig = rig;
            LanNext = lanIsn;
            RemoteNext = remoteIsn;
            LanShift = lanShift;
            RemoteShift = remoteShift;
            LanWindow = 502;
            RemoteWindow = 1000;
        }

        public NatRig Rig { get; }

        /// <summary>The LAN host's SND.NXT (the remote's RCV.NXT once it has acknowledged everything).</summary>
        public uint LanNext { get; set; }

        /// <summary>The remote's SND.NXT.</summary>
        public uint RemoteNext { get; set; }

        /// <summary>The window-scale shift each side offers in its SYN; -1: no option.</summary>
        public int LanShift { get; }

        public int RemoteShift { get; }

        public ushort LanWindow { get; set; }

        public ushort RemoteWindow { get; set; }

        /// <summary>The external port the NAT gave the connection.</summary>
        public ushort External { get; private set; }

        /// <summary>SYN, SYN-ACK, ACK; the flow is then established.</summary>
        public TcpFlow Handshake()
        {
            byte[] syn = Segment(true, Packets.Syn, LanNext, 0, 64240, SynOptions(LanShift), new byte[0]);
            External = Check.SourcePort(Rig.Out(syn, "SYN"));
            LanNext++;
            Rig.In(Segment(false, Packets.Syn | Packets.Ack, RemoteNext, LanNext, 65160, SynOptions(RemoteShift), new byte[0]), "SYN-ACK");
            RemoteNext++;
            Rig.Out(Segment(true, Packets.Ack, LanNext, RemoteNext, LanWindow, new byte[0], new byte[0]), "ACK");
            return this;
        }

        /// <summary>The LAN host sends <paramref name="bytes"/> of data; the remote acknowledges them.</summary>
        public void LanSends(int bytes)
        {
            Rig.Out(Segment(true, Packets.Ack | Packets.Psh, LanNext, RemoteNext, LanWindow, new byte[0], new byte[bytes]), "LAN data");
            LanNext += (uint)bytes;
            Rig.In(Segment(false, Packets.Ack, RemoteNext, LanNext, RemoteWindow, new byte[0], new byte[0]), "remote ACK");
        }

        /// <summary>The remote sends <paramref name="bytes"/> of data; the LAN host acknowledges them.</summary>
        public void RemoteSends(int bytes)
        {
            Rig.In(Segment(false, Packets.Ack | Packets.Psh, RemoteNext, LanNext, RemoteWindow, new byte[0], new byte[bytes]), "remote data");
            RemoteNext += (uint)bytes;
            Rig.Out(Segment(true, Packets.Ack, LanNext, RemoteNext, LanWindow, new byte[0], new byte[0]), "LAN ACK");
        }

        /// <summary>A segment from the LAN host (its addresses and ports), not sent.</summary>
        public byte[] Lan(int flags, uint sequence, uint acknowledgment, int payloadBytes = 0)
        {
            return Segment(true, (ushort)flags, sequence, acknowledgment, LanWindow, new byte[0], new byte[payloadBytes]);
        }

        /// <summary>A segment from the remote to the router's WAN address and the external port, not sent.</summary>
        public byte[] Remote(int flags, uint sequence, uint acknowledgment, int payloadBytes = 0)
        {
            return Segment(false, (ushort)flags, sequence, acknowledgment, RemoteWindow, new byte[0], new byte[payloadBytes]);
        }

        /// <summary>A segment from the remote to another external port (a blind attacker's guess).</summary>
        public static byte[] RemoteTo(ushort externalPort, int flags, uint sequence, uint acknowledgment)
        {
            return Oracle.Tcp(Net.Server, Net.Wan, RemotePort, externalPort, sequence, acknowledgment, (ushort)flags, 65535, 0, new byte[0], new byte[0], 64, 0x1234, 2);
        }

        /// <summary>Sends a segment the router must forward (the endpoint decides about it).</summary>
        public void Forwarded(byte[] segment, bool fromLan, string because)
        {
            if (fromLan)
            {
                Rig.Out(segment, because);
            }
            else
            {
                Rig.In(segment, because);
            }
        }

        /// <summary>Whether the session is still there after the transitory timeout (240 s) and one
        /// more second, with no traffic: true when it is still established.</summary>
        public bool OutlivesTransitoryTimeout()
        {
            Rig.AdvanceSeconds(241);
            return Rig.Engine.Table.Count == 1;
        }

        private byte[] Segment(bool fromLan, ushort flags, uint sequence, uint acknowledgment, ushort window, byte[] options, byte[] payload)
        {
            return fromLan
                ? Oracle.Tcp(Net.HostA, Net.Server, LanPort, RemotePort, sequence, acknowledgment, flags, window, 0, options, payload, 64, 0x1234, 2)
                : Oracle.Tcp(Net.Server, Net.Wan, RemotePort, External, sequence, acknowledgment, flags, window, 0, options, payload, 64, 0x1234, 2);
        }

        /// <summary>MSS 1460, then NOP and Window Scale when offered (8 bytes; 4 without).</summary>
        private static byte[] SynOptions(int shift)
        {
            return shift < 0 ? new byte[] { 2, 4, 0x05, 0xB4 } : new byte[] { 2, 4, 0x05, 0xB4, 1, 3, 3, (byte)shift };
        }
    }
}
