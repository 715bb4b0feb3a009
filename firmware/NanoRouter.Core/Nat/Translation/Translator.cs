using System;
using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Nat.Translation
{
    /// <summary>
    /// The one rewrite of a translated packet, with the direction as data (as gVisor's
    /// <c>tuple.reply()</c> and Linux's per-direction <c>flow_offload_tuple</c> do) instead of a
    /// mirrored copy of the code per direction:
    /// <list type="bullet">
    /// <item>outbound (LAN to WAN), the source address becomes the WAN address and the source port
    /// (or ICMP echo identifier) the session's external one;</item>
    /// <item>inbound (WAN to LAN), the destination address becomes the LAN host's and the destination
    /// port its LAN port;</item>
    /// <item>an ICMP error quotes a packet that went the other way, so the same call with
    /// <c>quoted</c> 1 rewrites the other field of the quoted headers with the same values.</item>
    /// </list>
    /// Every checksum that covers a changed field moves by an RFC 1624 delta (InternetChecksum, the
    /// only place eqn. 3 is written): the IP header's, and the transport's, whose pseudo-header holds
    /// the address (TCP, UDP; ICMP has none). The address deltas are computed once per host and
    /// direction when the WAN address changes. Values are in wire form: the bytes as BitConverter
    /// reads them (nanoFramework's BitConverter is native; deltas do not depend on byte order).
    /// Nothing here allocates.
    /// </summary>
    public sealed class Translator
    {
        /// <summary>LAN to WAN.</summary>
        public const int Outbound = 0;

        /// <summary>WAN to LAN.</summary>
        public const int Inbound = 1;

        /// <summary>Where the WAN address sits in the address bytes, after the 256 hosts'.</summary>
        private const int WanAt = 256 * 4;

        // The 256 LAN host addresses (by last byte), then the WAN address: 4 bytes each.
        private readonly byte[] _addresses = new byte[257 * 4];

        // Per host and direction, at (host << 1) | direction: the delta that turns a checksum over
        // the old address into one over the new (outbound host -> WAN, inbound WAN -> host).
        private readonly uint[] _deltas = new uint[512];
        private uint _wanWire;

        /// <summary>Builds the tables for a LAN whose hosts are <paramref name="lanNetwork"/>'s /24
        /// (a big-endian number; the host is the address's last byte) and no WAN address.</summary>
        public Translator(uint lanNetwork)
        {
            for (int host = 0; host < 256; host++)
            {
                NetworkOrder.WriteUInt32(_addresses, host << 2, (lanNetwork & 0xFFFFFF00) | (uint)host);
            }

            SetWanAddress(0);
        }

        /// <summary>The WAN address in wire form.</summary>
        public uint WanWire => _wanWire;

        /// <summary>Sets the WAN address (a big-endian number) and recomputes every host's deltas.</summary>
        public void SetWanAddress(uint wanAddress)
        {
            NetworkOrder.WriteUInt32(_addresses, WanAt, wanAddress);
            _wanWire = BitConverter.ToUInt32(_addresses, WanAt);
            for (int host = 0; host < 256; host++)
            {
                uint hostWire = BitConverter.ToUInt32(_addresses, host << 2);
                _deltas[host << 1] = InternetChecksum.Delta(hostWire, _wanWire);
                _deltas[(host << 1) | Inbound] = InternetChecksum.Delta(_wanWire, hostWire);
            }
        }

        /// <summary>
        /// Rewrites the address of the IPv4 header at <paramref name="ipAt"/> for a packet of LAN host
        /// <paramref name="host"/> going in <paramref name="direction"/> (the source outbound, the
        /// destination inbound; the other one when <paramref name="quoted"/> is 1) and moves its header
        /// checksum.
        /// </summary>
        /// <returns>The delta, which a pseudo-header checksum over the address needs too.</returns>
        public uint RewriteAddress(byte[] p, int ipAt, int host, int direction, int quoted)
        {
            int field = (direction ^ quoted) == Outbound ? IPv4Packet.SourceAddressOffset : IPv4Packet.DestinationAddressOffset;
            Array.Copy(_addresses, direction == Outbound ? WanAt : host << 2, p, ipAt + field, 4);
            uint delta = _deltas[(host << 1) | direction];
            InternetChecksum.ApplyDelta(p, ipAt + IPv4Packet.HeaderChecksumOffset, delta);
            return delta;
        }

        /// <summary>
        /// The transport half of a translation, for the transport header at <paramref name="l4"/> of a
        /// packet (or quoted packet) whose bytes end at <paramref name="end"/>: the port on the
        /// direction's side (the ICMP echo identifier, whatever the direction) becomes
        /// <paramref name="newPortWire"/> unless that is negative (the session keeps its port), and the
        /// transport checksum, when present within <paramref name="end"/>, moves by the port's delta
        /// plus <paramref name="addressDelta"/> (TCP and UDP; ICMP's covers no address). A UDP
        /// checksum of 0 ("none") stays 0.
        /// </summary>
        public static void RewriteTransport(byte[] p, int l4, int end, byte protocol, int direction, int quoted, int newPortWire, uint addressDelta)
        {
            int portAt;
            int checksumAt;
            uint delta = addressDelta;
            if (protocol == IPv4Packet.ProtocolIcmp)
            {
                portAt = l4 + IcmpPacket.IdentifierOffset;
                checksumAt = l4 + IcmpPacket.ChecksumOffset;
                delta = 0;
            }
            else
            {
                // The source port is first, the destination port second.
                portAt = l4 + ((direction ^ quoted) << 1);
                checksumAt = l4 + (protocol == IPv4Packet.ProtocolTcp ? TcpSegment.ChecksumOffset : UdpDatagram.ChecksumOffset);
            }

            if (newPortWire >= 0)
            {
                uint oldPort = BitConverter.ToUInt16(p, portAt);
                p[portAt] = (byte)newPortWire;
                p[portAt + 1] = (byte)(newPortWire >> 8);
                delta = InternetChecksum.AddDelta(delta, InternetChecksum.Delta16(oldPort, (uint)newPortWire));
            }

            if (checksumAt + 2 > end)
            {
                // A quoted packet cut short before its checksum: nothing to move.
                return;
            }

            if (protocol == IPv4Packet.ProtocolUdp)
            {
                InternetChecksum.ApplyDeltaUdp(p, checksumAt, delta);
            }
            else
            {
                InternetChecksum.ApplyDelta(p, checksumAt, delta);
            }
        }
    }
}
