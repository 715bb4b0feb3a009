using System;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Config;
using NanoRouter.Hal;

namespace NanoRouter.Fuzz
{
    /// <summary>"Random" bytes that are the same on every run: each Fill writes one byte value, 0xA0 first, then 0xA1, ...
    /// so a session created first has the token a0a0... and the CSRF token a1a1....</summary>
    internal sealed class CountingEntropy : IEntropySource
    {
        private byte _next = 0xA0;

        public void Fill(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = _next;
            }

            _next++;
        }
    }

    /// <summary>Two settings slots in memory.</summary>
    internal sealed class MemoryConfigStore : IConfigStore
    {
        public readonly byte[][] Slots = { Array.Empty<byte>(), Array.Empty<byte>() };
        public int Writes;

        public int SlotCount => Slots.Length;

        public int SlotSize => 1024;

        public int Read(int slot, byte[] buffer, int offset, int count)
        {
            byte[] data = Slots[slot];
            Array.Copy(data, 0, buffer, offset, Math.Min(count, data.Length));
            return data.Length;
        }

        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            Writes++;
            Slots[slot] = buffer.AsSpan(offset, count).ToArray();
            return true;
        }

        public void Erase(int slot) => Slots[slot] = Array.Empty<byte>();
    }

    /// <summary>A board as the admin app sees it: an uplink, two clients.</summary>
    internal sealed class FakeRouterHost : IRouterHost
    {
        public uint LanAddress => 0xC6130401;

        public bool UplinkConnected => true;

        public WifiText UplinkSsid { get; } = Text("uplink");

        public WifiText AccessPointSsid { get; } = Text("nanoRouter-fuzz");

        public string WifiNotice => null;

        public uint UplinkAddress => 0xC6120002;

        public int UplinkRssi => -60;

        public int ClientCount => 2;

        public uint ClientAddress(int index) => 0xC6130402u + (uint)index;

        public string ClientMac(int index) => index == 0 ? "02:00:00:00:00:02" : "02:00:00:00:00:03";

        public int Applied;

        public int Reboots;

        public void ApplySettings(RouterSettings settings) => Applied++;

        public void Reboot() => Reboots++;

        /// <summary>A UTF-8 value from a .NET string.</summary>
        public static WifiText Text(string text)
        {
            var value = new WifiText();
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
            value.Set(bytes, 0, bytes.Length);
            return value;
        }
    }

    /// <summary>Field-by-field equality of two settings.</summary>
    internal static class SettingsCompare
    {
        public static bool Equal(RouterSettings a, RouterSettings b)
        {
            return a.UplinkSsid.SameAs(b.UplinkSsid) && a.UplinkPassword.SameAs(b.UplinkPassword) && a.ApSsid.SameAs(b.ApSsid)
                && a.ApPassword.SameAs(b.ApPassword) && a.ApChannel == b.ApChannel && a.HostName == b.HostName
                && a.UdpTimeoutSeconds == b.UdpTimeoutSeconds && a.TcpEstablishedTimeoutSeconds == b.TcpEstablishedTimeoutSeconds
                && a.TcpTransitoryTimeoutSeconds == b.TcpTransitoryTimeoutSeconds && a.IcmpTimeoutSeconds == b.IcmpTimeoutSeconds
                && a.MssClamp == b.MssClamp && a.PassthroughMask == b.PassthroughMask && a.HasAdminPassword == b.HasAdminPassword
                && a.AdminIterations == b.AdminIterations && a.AdminSalt.AsSpan().SequenceEqual(b.AdminSalt) && a.AdminHash.AsSpan().SequenceEqual(b.AdminHash)
                && SameForwards(a.Forwards, b.Forwards);
        }

        private static bool SameForwards(NanoRouter.Core.Nat.PortForwards a, NanoRouter.Core.Nat.PortForwards b)
        {
            if (a.Count != b.Count)
            {
                return false;
            }

            for (int i = 0; i < NanoRouter.Core.Nat.PortForwards.Capacity; i++)
            {
                if (!a.SameRule(i, b, i))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
