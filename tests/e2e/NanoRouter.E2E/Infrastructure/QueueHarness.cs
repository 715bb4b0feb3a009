using System;
using System.Threading;
using NanoRouter.Hal;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Infrastructure
{
    /// <summary>Decides one packet for <see cref="QueueHarness"/>; may rewrite the buffer for Forward.</summary>
    public delegate Verdict PacketJudge(byte[] packet, int length, Side ingress);

    /// <summary>
    /// The NFQUEUE packet port and its netfilter rules running in-process inside a lab's router
    /// namespace, with a test-supplied verdict function instead of the NAT engine: proves the port
    /// by itself (Local passes unchanged, Forward carries a rewritten packet, Drop drops).
    /// </summary>
    public sealed class QueueHarness : IDisposable
    {
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _started = new ManualResetEventSlim(false);
        private readonly PacketJudge _judge;
        private readonly string _ns;
        private readonly ushort _queue;
        private volatile bool _stop;
        private string _error;
        private long _lanPackets;
        private long _wanPackets;

        private readonly bool _gso;

        private QueueHarness(string ns, ushort queue, PacketJudge judge, bool gso)
        {
            _gso = gso;
            _ns = ns;
            _queue = queue;
            _judge = judge;
            _thread = new Thread(Loop) { IsBackground = true, Name = "queue-harness" };
        }

        /// <summary>Packets seen with ingress Lan.</summary>
        public long LanPackets => Interlocked.Read(ref _lanPackets);

        /// <summary>Packets seen with ingress Wan.</summary>
        public long WanPackets => Interlocked.Read(ref _wanPackets);

        /// <summary>The port, for its counters (read after Dispose for a stable view).</summary>
        public NfQueuePort Port { get; private set; }

        /// <summary>Opens the port and installs the rules in <paramref name="lab"/>'s router namespace.</summary>
        public static QueueHarness Start(TestLab lab, PacketJudge judge, ushort queue = 0, bool gso = false)
        {
            var harness = new QueueHarness(lab.Router, queue, judge, gso);
            harness._thread.Start();
            harness._started.Wait(20000);
            if (harness._error != null)
            {
                harness.Dispose();
                throw new InvalidOperationException(harness._error);
            }

            return harness;
        }

        /// <summary>Stops the loop, removes the rules and closes the port.</summary>
        public void Dispose()
        {
            _stop = true;
            _thread.Join(10000);
        }

        private void Loop()
        {
            RouterNetfilter rules = null;
            NfQueuePort port = null;
            try
            {
                NetworkNamespace.Enter(_ns);
                if (!InterfaceInfo.TryFind(NamespaceLab.LanInterface, out InterfaceInfo lan, out _error)
                    || !InterfaceInfo.TryFind(NamespaceLab.WanInterface, out InterfaceInfo wan, out _error)
                    || !NfQueuePort.TryOpen(_queue, lan.Index, wan.Index, _gso, out port, out _error)
                    || !RouterNetfilter.TryInstall(lan, wan, _queue, out rules, out _error))
                {
                    return;
                }

                Port = port;
                _started.Set();
                byte[] buffer = new byte[65535];
                while (!_stop)
                {
                    int length = port.Receive(buffer, 50, out Side ingress);
                    if (length == 0)
                    {
                        continue;
                    }

                    Interlocked.Increment(ref ingress == Side.Lan ? ref _lanPackets : ref _wanPackets);
                    Verdict verdict = _judge(buffer, length, ingress);
                    port.Complete(verdict, buffer, length, ingress == Side.Lan ? Side.Wan : Side.Lan);
                }
            }
            catch (Exception e)
            {
                _error = e.Message;
            }
            finally
            {
                rules?.Dispose();
                port?.Dispose();
                _started.Set();
            }
        }
    }
}
