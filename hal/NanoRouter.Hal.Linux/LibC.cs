using System;
using System.Runtime.InteropServices;

namespace NanoRouter.Hal.Linux
{
    /// <summary>The few libc calls the host board needs: netlink sockets, poll, setns, kill, geteuid.</summary>
    internal static class LibC
    {
        private const string Library = "libc";

        public const int AfNetlink = 16;
        public const int SockRaw = 3;
        public const int SockCloexec = 0x80000;
        public const int NetlinkNetfilter = 12;

        public const int SolSocket = 1;
        public const int SoSndbuf = 7;
        public const int SoRcvbuf = 8;
        public const int SoSndbufForce = 32;
        public const int SoRcvbufForce = 33;
        public const int SolNetlink = 270;
        public const int NetlinkNoEnobufs = 5;

        public const int MsgDontwait = 0x40;

        public const short PollIn = 0x001;

        public const int EIntr = 4;
        public const int EAgain = 11;
        public const int ENobufs = 105;

        public const int CloneNewNet = 0x40000000;

        public const int SigTerm = 15;
        public const int SigKill = 9;
        public const int SigUsr1 = 10;

        /// <summary>One entry of the poll() array.</summary>
        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport(Library, SetLastError = true)]
        public static extern int socket(int domain, int type, int protocol);

        [DllImport(Library, SetLastError = true)]
        public static extern int bind(int fd, byte[] address, int addressLength);

        [DllImport(Library, SetLastError = true)]
        public static extern int setsockopt(int fd, int level, int name, ref int value, int valueLength);

        [DllImport(Library, SetLastError = true)]
        public static extern nint send(int fd, byte[] buffer, nint length, int flags);

        [DllImport(Library, SetLastError = true)]
        public static extern nint sendto(int fd, byte[] buffer, nint length, int flags, byte[] address, int addressLength);

        [DllImport(Library, SetLastError = true)]
        public static extern nint recv(int fd, byte[] buffer, nint length, int flags);

        [DllImport(Library, SetLastError = true)]
        public static extern int poll(ref PollFd fds, nuint count, int timeoutMs);

        [DllImport(Library, SetLastError = true)]
        public static extern int close(int fd);

        [DllImport(Library, SetLastError = true)]
        public static extern int setns(int fd, int nstype);

        [DllImport(Library, SetLastError = true)]
        public static extern int kill(int pid, int signal);

        [DllImport(Library)]
        public static extern uint geteuid();

        [DllImport(Library)]
        private static extern IntPtr strerror(int errnum);

        /// <summary>The C library's text for an errno value.</summary>
        public static string ErrorText(int errno)
        {
            IntPtr text = strerror(errno);
            return text == IntPtr.Zero ? "errno " + errno : Marshal.PtrToStringAnsi(text);
        }
    }
}
