using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;
using NanoRouter.Core.Nat;
using NanoRouter.Core.Wire;

namespace NanoRouter.Core.Config
{
    /// <summary>What <see cref="SettingsCodec.Decode"/> found.</summary>
    public enum SettingsDecodeStatus : byte
    {
        /// <summary>A valid record.</summary>
        Ok = 0,

        /// <summary>No bytes.</summary>
        Empty = 1,

        /// <summary>Shorter than its header says, or not starting with the magic.</summary>
        Truncated = 2,

        /// <summary>The CRC does not match.</summary>
        BadChecksum = 3,

        /// <summary>Intact, but of a format version this firmware does not know.</summary>
        UnknownVersion = 4,

        /// <summary>Intact, but a field is out of range (treated as corrupt).</summary>
        BadField = 5,
    }

    /// <summary>
    /// The settings record, all big-endian:
    /// <code>
    /// 0  "NRCF" magic
    /// 4  u8 format version (2; 1 is read)   5  u8 reserved (0)
    /// 6  u16 payload length           8  u32 sequence number (newer wins, serial arithmetic)
    /// 12 payload                      12+n  u32 CRC-32 of bytes 0 .. 12+n
    /// payload v1: str uplinkSsid, str uplinkPassword, str apSsid, str apPassword, str hostName
    ///   (each u8 length + strict UTF-8; the Wi-Fi ones are stored exactly as the bytes the user
    ///   typed, see <see cref="WifiText"/>), u8 apChannel, u32 udp/tcpEstablished/tcpTransitory/icmp
    ///   timeouts (s), u16 mssClamp, u8 passthrough mask, u8 hasAdminPassword,
    ///   u32 iterations, 16 salt, 32 hash
    /// payload v2: the v1 payload, then u8 rule count (at most PortForwards.Capacity) and per rule
    ///   u8 protocol (6 or 17), u8 flags (bit 0: enabled), u16 external port, u32 LAN host, u16 port
    /// </code>
    /// A v1 record (before port forwarding) reads as the same settings with no rules.
    /// The CRC covers the header, so a record cut short, a mix of two records, or a flipped bit is
    /// never accepted.
    /// </summary>
    public static class SettingsCodec
    {
        /// <summary>The format version this firmware writes (it reads it and <see cref="VersionWithoutForwards"/>).</summary>
        public const byte Version = 2;

        /// <summary>The first format: no port forwarding.</summary>
        public const byte VersionWithoutForwards = 1;

        /// <summary>Bytes of one port-forwarding rule in a v2 record.</summary>
        public const int ForwardBytes = 10;

        /// <summary>The header size.</summary>
        public const int HeaderBytes = 12;

        /// <summary>The largest record: header, the longest payload, CRC.</summary>
        public const int MaxRecordBytes = HeaderBytes + 5 + (2 * RouterSettings.MaxSsidBytes) + (2 * RouterSettings.MaxWifiPasswordBytes) + RouterSettings.MaxHostNameBytes + 1 + 16 + 2 + 1 + 1 + 4 + RouterSettings.SaltBytes + RouterSettings.HashBytes + 1 + (PortForwards.Capacity * ForwardBytes) + 4;

        private const byte Magic0 = (byte)'N';
        private const byte Magic1 = (byte)'R';
        private const byte Magic2 = (byte)'C';
        private const byte Magic3 = (byte)'F';

        /// <summary>Writes a record for <paramref name="settings"/> into <paramref name="buffer"/>
        /// (at least <see cref="MaxRecordBytes"/> long).</summary>
        /// <returns>The record length, or 0 when a field is too long to encode.</returns>
        public static int Encode(RouterSettings settings, uint sequence, byte[] buffer)
        {
            buffer[0] = Magic0;
            buffer[1] = Magic1;
            buffer[2] = Magic2;
            buffer[3] = Magic3;
            buffer[4] = Version;
            buffer[5] = 0;
            NetworkOrder.WriteUInt32(buffer, 8, sequence);
            int p = HeaderBytes;
            p = WriteText(buffer, p, settings.UplinkSsid, RouterSettings.MaxSsidBytes);
            p = WriteText(buffer, p, settings.UplinkPassword, RouterSettings.MaxWifiPasswordBytes);
            p = WriteText(buffer, p, settings.ApSsid, RouterSettings.MaxSsidBytes);
            p = WriteText(buffer, p, settings.ApPassword, RouterSettings.MaxWifiPasswordBytes);
            p = WriteString(buffer, p, settings.HostName, RouterSettings.MaxHostNameBytes);
            if (p < 0)
            {
                return 0;
            }

            buffer[p++] = (byte)settings.ApChannel;
            NetworkOrder.WriteUInt32(buffer, p, (uint)settings.UdpTimeoutSeconds);
            NetworkOrder.WriteUInt32(buffer, p + 4, (uint)settings.TcpEstablishedTimeoutSeconds);
            NetworkOrder.WriteUInt32(buffer, p + 8, (uint)settings.TcpTransitoryTimeoutSeconds);
            NetworkOrder.WriteUInt32(buffer, p + 12, (uint)settings.IcmpTimeoutSeconds);
            p += 16;
            NetworkOrder.WriteUInt16(buffer, p, (ushort)settings.MssClamp);
            p += 2;
            buffer[p++] = (byte)settings.PassthroughMask;
            buffer[p++] = settings.HasAdminPassword ? (byte)1 : (byte)0;
            NetworkOrder.WriteUInt32(buffer, p, (uint)settings.AdminIterations);
            p += 4;
            System.Array.Copy(settings.AdminSalt, 0, buffer, p, RouterSettings.SaltBytes);
            p += RouterSettings.SaltBytes;
            System.Array.Copy(settings.AdminHash, 0, buffer, p, RouterSettings.HashBytes);
            p += RouterSettings.HashBytes;
            PortForwards forwards = settings.Forwards;
            buffer[p++] = (byte)forwards.Count;
            for (int i = 0; i < forwards.Count; i++)
            {
                buffer[p] = forwards.Protocol[i];
                buffer[p + 1] = forwards.Enabled[i] ? (byte)1 : (byte)0;
                NetworkOrder.WriteUInt16(buffer, p + 2, forwards.ExternalPort[i]);
                NetworkOrder.WriteUInt32(buffer, p + 4, forwards.Host[i]);
                NetworkOrder.WriteUInt16(buffer, p + 8, forwards.Port[i]);
                p += ForwardBytes;
            }

            NetworkOrder.WriteUInt16(buffer, 6, (ushort)(p - HeaderBytes));
            NetworkOrder.WriteUInt32(buffer, p, Crc32.Compute(buffer, 0, p));
            return p + 4;
        }

        /// <summary>Checks and decodes a record. <paramref name="settings"/> is changed only when the result is Ok.</summary>
        /// <param name="buffer">The bytes read from a slot.</param>
        /// <param name="length">How many there are.</param>
        /// <param name="settings">Filled on success.</param>
        /// <param name="sequence">The record's sequence number when its CRC is good (Ok, UnknownVersion, BadField).</param>
        public static SettingsDecodeStatus Decode(byte[] buffer, int length, RouterSettings settings, out uint sequence)
        {
            sequence = 0;
            if (length <= 0)
            {
                return SettingsDecodeStatus.Empty;
            }

            if (length < HeaderBytes + 4 || buffer[0] != Magic0 || buffer[1] != Magic1 || buffer[2] != Magic2 || buffer[3] != Magic3)
            {
                return SettingsDecodeStatus.Truncated;
            }

            int payloadLength = NetworkOrder.ReadUInt16(buffer, 6);
            int crcOffset = HeaderBytes + payloadLength;
            if (crcOffset + 4 > length)
            {
                return SettingsDecodeStatus.Truncated;
            }

            if (NetworkOrder.ReadUInt32(buffer, crcOffset) != Crc32.Compute(buffer, 0, crcOffset))
            {
                return SettingsDecodeStatus.BadChecksum;
            }

            sequence = NetworkOrder.ReadUInt32(buffer, 8);
            if (buffer[4] != Version && buffer[4] != VersionWithoutForwards)
            {
                return SettingsDecodeStatus.UnknownVersion;
            }

            return DecodePayload(buffer, HeaderBytes, crcOffset, buffer[4] == Version, settings) ? SettingsDecodeStatus.Ok : SettingsDecodeStatus.BadField;
        }

        private static bool DecodePayload(byte[] buffer, int p, int end, bool withForwards, RouterSettings settings)
        {
            // Text fields are checked where they lie and copied only once the whole record passed.
            int uplinkSsid = p;
            int uplinkPassword;
            int apSsid;
            int apPassword;
            string hostName;
            if (!SkipText(buffer, ref p, end, RouterSettings.MaxSsidBytes)
                || !SkipText(buffer, ref p, end, RouterSettings.MaxWifiPasswordBytes, out uplinkPassword)
                || !SkipText(buffer, ref p, end, RouterSettings.MaxSsidBytes, out apSsid)
                || !SkipText(buffer, ref p, end, RouterSettings.MaxWifiPasswordBytes, out apPassword)
                || !ReadString(buffer, ref p, end, RouterSettings.MaxHostNameBytes, out hostName))
            {
                return false;
            }

            const int Fixed = 1 + 16 + 2 + 1 + 1 + 4 + RouterSettings.SaltBytes + RouterSettings.HashBytes;
            int forwardsAt = p + Fixed;
            int rules = 0;
            if (withForwards)
            {
                // v2: the v1 fields, then a count and that many fixed-size rules, nothing after.
                rules = forwardsAt < end ? buffer[forwardsAt] : -1;
                if (rules < 0 || rules > PortForwards.Capacity || end - p != Fixed + 1 + (rules * ForwardBytes) || !ForwardsValid(buffer, forwardsAt + 1, rules))
                {
                    return false;
                }
            }
            else if (end - p != Fixed)
            {
                return false;
            }

            int channel = buffer[p++];
            uint udp = NetworkOrder.ReadUInt32(buffer, p);
            uint tcpEstablished = NetworkOrder.ReadUInt32(buffer, p + 4);
            uint tcpTransitory = NetworkOrder.ReadUInt32(buffer, p + 8);
            uint icmp = NetworkOrder.ReadUInt32(buffer, p + 12);
            p += 16;
            int mss = NetworkOrder.ReadUInt16(buffer, p);
            p += 2;
            int mask = buffer[p++];
            int hasPassword = buffer[p++];
            uint iterations = NetworkOrder.ReadUInt32(buffer, p);
            p += 4;
            if (channel < 1 || channel > 13 || udp > 0x7FFFFFFF / 1000 || tcpEstablished > 0x7FFFFFFF / 1000 || tcpTransitory > 0x7FFFFFFF / 1000 || icmp > 0x7FFFFFFF / 1000 || hasPassword > 1 || iterations == 0 || iterations > 10000000)
            {
                return false;
            }

            settings.UplinkSsid.Set(buffer, uplinkSsid + 1, buffer[uplinkSsid]);
            settings.UplinkPassword.Set(buffer, uplinkPassword + 1, buffer[uplinkPassword]);
            settings.ApSsid.Set(buffer, apSsid + 1, buffer[apSsid]);
            settings.ApPassword.Set(buffer, apPassword + 1, buffer[apPassword]);
            settings.HostName = hostName;
            settings.ApChannel = channel;
            settings.UdpTimeoutSeconds = (int)udp;
            settings.TcpEstablishedTimeoutSeconds = (int)tcpEstablished;
            settings.TcpTransitoryTimeoutSeconds = (int)tcpTransitory;
            settings.IcmpTimeoutSeconds = (int)icmp;
            settings.MssClamp = mss;
            settings.PassthroughMask = mask;
            settings.HasAdminPassword = hasPassword == 1;
            settings.AdminIterations = (int)iterations;
            System.Array.Copy(buffer, p, settings.AdminSalt, 0, RouterSettings.SaltBytes);
            p += RouterSettings.SaltBytes;
            System.Array.Copy(buffer, p, settings.AdminHash, 0, RouterSettings.HashBytes);
            settings.Forwards.Clear();
            for (int i = 0, at = forwardsAt + 1; i < rules; i++, at += ForwardBytes)
            {
                settings.Forwards.Add(buffer[at], NetworkOrder.ReadUInt16(buffer, at + 2), NetworkOrder.ReadUInt32(buffer, at + 4), NetworkOrder.ReadUInt16(buffer, at + 8), buffer[at + 1] == 1);
            }

            return true;
        }

        /// <summary>Whether each stored rule is TCP or UDP, with a known flag and non-zero ports.</summary>
        private static bool ForwardsValid(byte[] buffer, int at, int rules)
        {
            for (int i = 0; i < rules; i++, at += ForwardBytes)
            {
                if ((buffer[at] != PortForwards.ProtocolTcp && buffer[at] != PortForwards.ProtocolUdp) || buffer[at + 1] > 1
                    || NetworkOrder.ReadUInt16(buffer, at + 2) == 0 || NetworkOrder.ReadUInt16(buffer, at + 8) == 0)
                {
                    return false;
                }
            }

            return true;
        }

        private static int WriteString(byte[] buffer, int p, string value, int maxBytes)
        {
            if (p < 0)
            {
                return -1;
            }

            if (value == null)
            {
                value = string.Empty;
            }

            int count = Utf8.ByteCount(value);
            if (count > maxBytes)
            {
                return -1;
            }

            buffer[p] = (byte)count;
            Utf8.Encode(value, buffer, p + 1);
            return p + 1 + count;
        }

        private static int WriteText(byte[] buffer, int p, WifiText value, int maxBytes)
        {
            if (p < 0 || value.Length > maxBytes)
            {
                return -1;
            }

            buffer[p] = (byte)value.Length;
            System.Array.Copy(value.Bytes, 0, buffer, p + 1, value.Length);
            return p + 1 + value.Length;
        }

        private static bool ReadString(byte[] buffer, ref int p, int end, int maxBytes, out string value)
        {
            value = null;
            int start;
            if (!SkipText(buffer, ref p, end, maxBytes, out start))
            {
                return false;
            }

            value = Utf8.Decode(buffer, start + 1, buffer[start]);
            return value != null;
        }

        private static bool SkipText(byte[] buffer, ref int p, int end, int maxBytes)
        {
            int start;
            return SkipText(buffer, ref p, end, maxBytes, out start);
        }

        /// <summary>Steps over one length-prefixed strict UTF-8 field; <paramref name="start"/> is its length byte.</summary>
        private static bool SkipText(byte[] buffer, ref int p, int end, int maxBytes, out int start)
        {
            start = p;
            if (p >= end)
            {
                return false;
            }

            int count = buffer[p];
            if (count > maxBytes || count > end - p - 1 || !Utf8.IsValid(buffer, p + 1, count))
            {
                return false;
            }

            p += 1 + count;
            return true;
        }
    }
}
