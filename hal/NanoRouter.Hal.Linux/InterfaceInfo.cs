using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace NanoRouter.Hal.Linux
{
    /// <summary>An interface of the current network namespace with its first IPv4 address.</summary>
    public sealed class InterfaceInfo
    {
        /// <summary>The interface name (e.g. "lan").</summary>
        public string Name { get; private init; }

        /// <summary>The kernel's interface index.</summary>
        public int Index { get; private init; }

        /// <summary>The IPv4 address as a big-endian number (192.168.4.1 = 0xC0A80401); 0 when none.</summary>
        public uint Address { get; private init; }

        /// <summary>The prefix length of <see cref="Address"/>.</summary>
        public int PrefixLength { get; private init; }

        /// <summary>The address in dotted form.</summary>
        public string AddressText => FormatAddress(Address);

        /// <summary>Looks up <paramref name="name"/>; false with a one-line error when it is missing or has no IPv4 address.</summary>
        public static bool TryFind(string name, out InterfaceInfo info, out string error)
        {
            info = Find(name);
            if (info == null)
            {
                error = "interface " + name + " does not exist";
                return false;
            }

            if (info.Address == 0)
            {
                error = "interface " + name + " has no IPv4 address";
                return false;
            }

            error = null;
            return true;
        }

        /// <summary>The interface named <paramref name="name"/>, with Address 0 when it has no IPv4 address; null when missing.</summary>
        public static InterfaceInfo Find(string name)
        {
            foreach (NetworkInterface candidate in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (candidate.Name != name)
                {
                    continue;
                }

                IPInterfaceProperties properties = candidate.GetIPProperties();
                int index = 0;
                try
                {
                    index = properties.GetIPv4Properties().Index;
                }
                catch (NetworkInformationException)
                {
                    index = ReadIndex(name);
                }

                if (index <= 0)
                {
                    index = ReadIndex(name);
                }

                foreach (UnicastIPAddressInformation unicast in properties.UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork)
                    {
                        return new InterfaceInfo
                        {
                            Name = name,
                            Index = index,
                            Address = ToNumber(unicast.Address),
                            PrefixLength = unicast.PrefixLength,
                        };
                    }
                }

                return new InterfaceInfo { Name = name, Index = index };
            }

            return null;
        }

        /// <summary>An IPv4 address as a big-endian number.</summary>
        public static uint ToNumber(IPAddress address)
        {
            byte[] b = address.GetAddressBytes();
            return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        }

        /// <summary>A big-endian IPv4 number in dotted form.</summary>
        public static string FormatAddress(uint address)
        {
            return (address >> 24) + "." + ((address >> 16) & 0xFF) + "." + ((address >> 8) & 0xFF) + "." + (address & 0xFF);
        }

        private static int ReadIndex(string name)
        {
            try
            {
                return int.Parse(System.IO.File.ReadAllText("/sys/class/net/" + name + "/ifindex").Trim());
            }
            catch (System.Exception)
            {
                return 0;
            }
        }
    }
}
