using System;
using System.Runtime.InteropServices;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// Reads one interface's primary IPv4 address with the SIOCGIFADDR ioctl on a socket opened
    /// once, into a request buffer allocated once: the packet loop asks every second whether the
    /// uplink address changed, and this asks without allocating (InterfaceInfo.Find walks
    /// .NET's NetworkInterface list, which allocates tens of kilobytes per call).
    /// </summary>
    public sealed class InterfaceAddressProbe : IDisposable
    {
        private const int AfInet = 2;
        private const int SockDgram = 2;
        private const ulong SiocGifAddr = 0x8915;
        private const int NameBytes = 16;

        // struct ifreq: 16 bytes of name, then the union (a struct sockaddr_in here), 40 bytes in all.
        private readonly byte[] _request = new byte[40];
        private int _fd;

        /// <summary>Opens the probe for the interface named <paramref name="name"/> (at most 15 bytes).</summary>
        public InterfaceAddressProbe(string name)
        {
            if (name == null || name.Length == 0 || name.Length >= NameBytes)
            {
                throw new ArgumentException("interface name must be 1 to 15 characters: " + name);
            }

            for (int i = 0; i < name.Length; i++)
            {
                _request[i] = (byte)name[i];
            }

            _fd = LibC.socket(AfInet, SockDgram | LibC.SockCloexec, 0);
            if (_fd < 0)
            {
                throw new InvalidOperationException("cannot open a socket for the address probe: " + LibC.ErrorText(Marshal.GetLastPInvokeError()));
            }
        }

        /// <summary>The interface's IPv4 address, big-endian (192.168.4.1 = 0xC0A80401); 0 when
        /// it has none or no longer exists.</summary>
        public uint Read()
        {
            Array.Clear(_request, NameBytes, _request.Length - NameBytes);
            if (_fd < 0 || ioctl(_fd, SiocGifAddr, _request) != 0)
            {
                return 0;
            }

            // sockaddr_in: family (2 bytes), port (2), address (4, network order).
            return ((uint)_request[20] << 24) | ((uint)_request[21] << 16) | ((uint)_request[22] << 8) | _request[23];
        }

        /// <summary>Closes the socket.</summary>
        public void Dispose()
        {
            if (_fd >= 0)
            {
                LibC.close(_fd);
                _fd = -1;
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int ioctl(int fd, ulong request, byte[] argument);
    }
}
