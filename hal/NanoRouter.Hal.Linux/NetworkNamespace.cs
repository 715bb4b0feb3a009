using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// Runs code inside a named network namespace (/run/netns/NAME, as `ip netns add` makes it).
    /// A socket belongs to the namespace of the thread that created it, so a socket made here
    /// keeps working in that namespace when used from any thread afterwards.
    /// </summary>
    public static class NetworkNamespace
    {
        /// <summary>Runs <paramref name="action"/> on a fresh thread that has entered namespace <paramref name="name"/>.</summary>
        public static T Invoke<T>(string name, Func<T> action)
        {
            T result = default;
            Exception failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    Enter(name);
                    result = action();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.IsBackground = true;
            thread.Start();
            thread.Join();
            if (failure != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }

            return result;
        }

        /// <summary>Runs <paramref name="action"/> on a fresh thread inside namespace <paramref name="name"/>.</summary>
        public static void Invoke(string name, Action action)
        {
            Invoke<object>(name, () =>
            {
                action();
                return null;
            });
        }

        /// <summary>Moves the calling thread into namespace <paramref name="name"/>. Use only on threads you own.</summary>
        public static void Enter(string name)
        {
            using SafeFileHandle handle = File.OpenHandle(Path.Combine("/run/netns", name), FileMode.Open, FileAccess.Read);
            if (LibC.setns((int)handle.DangerousGetHandle(), LibC.CloneNewNet) != 0)
            {
                throw new IOException("setns into " + name + " failed: " + LibC.ErrorText(Marshal.GetLastPInvokeError()));
            }
        }

        /// <summary>True when namespace <paramref name="name"/> exists.</summary>
        public static bool Exists(string name) => File.Exists(Path.Combine("/run/netns", name));
    }

    /// <summary>Process-level facts and signals the host board needs.</summary>
    public static class HostProcess
    {
        /// <summary>True when running with effective uid 0.</summary>
        public static bool IsRoot => LibC.geteuid() == 0;

        /// <summary>Sends SIGTERM to <paramref name="pid"/>; true when delivered.</summary>
        public static bool Terminate(int pid) => LibC.kill(pid, LibC.SigTerm) == 0;

        /// <summary>Sends SIGUSR1 to <paramref name="pid"/>, the host board's short press of its
        /// button (it confirms the first admin password); true when delivered.</summary>
        public static bool PressButton(int pid) => LibC.kill(pid, LibC.SigUsr1) == 0;

        /// <summary>True when process <paramref name="pid"/> exists.</summary>
        public static bool IsAlive(int pid) => LibC.kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1;
    }
}
