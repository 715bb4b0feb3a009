using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// The host board's packet port: one NFQUEUE queue, spoken over a plain NETLINK_NETFILTER
    /// socket (no libnetfilter_queue). The kernel copies each queued IPv4 packet to us; the core's
    /// verdict goes back as NF_ACCEPT (Local: unchanged; Forward: with the rewritten packet as
    /// NFQA_PAYLOAD and the <see cref="ForwardMark"/>, which the kernel then routes) or NF_DROP.
    /// </summary>
    /// <remarks>
    /// Verdicts are batched: <see cref="Complete"/> appends the verdict message to a send buffer,
    /// and the buffer goes to the kernel in one send() when it is full, after
    /// <see cref="BatchLimit"/> verdicts, or as soon as no further packet is waiting (so a lone
    /// packet is never held back). The queue is configured with copy-packet mode, a long queue,
    /// fail-open off (a packet the router cannot take is dropped, never passed un-NATed) and
    /// NFQA_CFG_F_GSO off, so the kernel segments GSO super-packets and completes partial
    /// checksums before queueing: the core always sees MTU-sized packets with full checksums,
    /// as on the device.
    /// <para>
    /// With a native flow path attached (<see cref="AttachFlowPath"/>, libnrflow.so: the C code the
    /// ESP32 runs in its lwIP hook), every queued packet goes to it first, in place in the receive
    /// buffer: a packet of an installed flow is translated there and accepted at once (counted in
    /// <see cref="PacketsNative"/>), and never reaches the caller; everything else is handed over
    /// as before. <see cref="Receive"/> then also returns at its deadline while native traffic keeps
    /// coming, so the caller's loop still ticks the engine.
    /// </para>
    /// </remarks>
    public sealed class NfQueuePort : IPacketPort, IDisposable
    {
        /// <summary>How many verdicts are sent to the kernel in one send() at most.</summary>
        public const int BatchLimit = 64;

        /// <summary>
        /// The packet mark a Forward verdict sets (NFQA_MARK). The rules let the kernel forward only
        /// packets carrying it, so a packet the core called Local is delivered to the router itself
        /// or dropped, never routed through it un-NATed (lwIP on the device does not forward either).
        /// </summary>
        public const uint ForwardMark = 0x4E520001;

        private const int NlmsgHeaderLength = 16;
        private const int NfgenHeaderLength = 4;
        private const ushort NlmFRequest = 0x1;
        private const ushort NlmFAck = 0x4;
        private const ushort NlmsgError = 2;
        private const ushort NlmsgDone = 3;

        private const ushort NfqnlMsgPacket = (3 << 8) | 0;
        private const ushort NfqnlMsgVerdict = (3 << 8) | 1;
        private const ushort NfqnlMsgConfig = (3 << 8) | 2;

        private const ushort NfqaPacketHeader = 1;
        private const ushort NfqaVerdictHeader = 2;
        private const ushort NfqaMark = 3;
        private const ushort NfqaIfIndexInDev = 5;
        private const ushort NfqaHardwareAddress = 9;
        private const int LinkSourceLength = 6;
        private const ushort NfqaPayload = 10;
        private const ushort NfqaCapLength = 13;
        private const ushort NfqaSkbInfo = 14;

        private const ushort NfqaCfgCmd = 1;
        private const ushort NfqaCfgParams = 2;
        private const ushort NfqaCfgQueueMaxLength = 3;
        private const ushort NfqaCfgMask = 4;
        private const ushort NfqaCfgFlags = 5;

        private const byte NfqnlCfgCmdBind = 1;
        private const byte NfqnlCopyPacket = 2;
        private const uint NfqaCfgFFailOpen = 1;
        private const uint NfqaCfgFGso = 4;
        private const uint NfqaSkbCsumNotReady = 1;
        private const uint NfqaSkbGso = 2;

        private const uint NfDrop = 0;
        private const uint NfAccept = 1;

        private const int VerdictWithoutPayloadLength = NlmsgHeaderLength + NfgenHeaderLength + 12;
        private const int MaxPacketLength = 65535;

        private readonly int _fd;
        private int _raw = -1;
        private readonly ushort _queue;
        private readonly int _lanIfIndex;
        private readonly int _wanIfIndex;
        private readonly byte[] _rx = new byte[MaxPacketLength + 4096];
        private readonly byte[] _tx = new byte[512 * 1024];
        private int _rxOffset;
        private int _rxLength;
        private int _txLength;
        private int _txCount;
        private uint _seq;
        private uint _pendingId;
        private bool _pending;
        private bool _disposed;
        private NativeFlowTable _flows;

        private NfQueuePort(int fd, ushort queue, int lanIfIndex, int wanIfIndex)
        {
            _fd = fd;
            _queue = queue;
            _lanIfIndex = lanIfIndex;
            _wanIfIndex = wanIfIndex;
        }

        /// <summary>Whether the kernel hands over GSO super-packets whole (NFQA_CFG_F_GSO).</summary>
        public bool Gso { get; private set; }

        /// <summary>The queue number this port is bound to.</summary>
        public ushort Queue => _queue;

        /// <summary>Packets taken from the queue and handed to the caller.</summary>
        public long PacketsReceived { get; private set; }

        /// <summary>Verdicts Forward (accepted with a rewritten payload).</summary>
        public long PacketsForwarded { get; private set; }

        /// <summary>Verdicts Local (accepted unchanged).</summary>
        public long PacketsLocal { get; private set; }

        /// <summary>Verdicts Drop.</summary>
        public long PacketsDropped { get; private set; }

        /// <summary>Packets the native flow path translated and accepted without handing them over.</summary>
        public long PacketsNative { get; private set; }

        /// <summary>Packets accepted by the port itself: an interface that is neither side, or truncated.</summary>
        public long PacketsBypassed { get; private set; }

        /// <summary>Times the socket's receive buffer overflowed (the kernel dropped queued packets).</summary>
        public long Overruns { get; private set; }

        /// <summary>Error answers from the kernel to our verdicts.</summary>
        public long VerdictErrors { get; private set; }

        /// <summary>send() calls that carried verdicts.</summary>
        public long VerdictBatches { get; private set; }

        /// <summary>
        /// Opens a netlink socket and binds it to NFQUEUE <paramref name="queue"/> in the calling
        /// thread's network namespace. Packets arriving on <paramref name="lanIfIndex"/> are
        /// <see cref="Side.Lan"/>, on <paramref name="wanIfIndex"/> <see cref="Side.Wan"/>; any other is
        /// accepted unchanged without being shown to the caller.
        /// </summary>
        /// <returns>false with a one-line <paramref name="error"/> when NFQUEUE is unavailable or the queue is taken.</returns>
        public static bool TryOpen(ushort queue, int lanIfIndex, int wanIfIndex, out NfQueuePort port, out string error)
        {
            return TryOpen(queue, lanIfIndex, wanIfIndex, false, out port, out error);
        }

        /// <summary>As <see cref="TryOpen(ushort, int, int, out NfQueuePort, out string)"/>; with <paramref name="gso"/>
        /// the kernel hands over GSO/GRO super-packets whole (up to 64 KB) instead of segmenting them.</summary>
        public static bool TryOpen(ushort queue, int lanIfIndex, int wanIfIndex, bool gso, out NfQueuePort port, out string error)
        {
            port = null;
            int fd = LibC.socket(LibC.AfNetlink, LibC.SockRaw | LibC.SockCloexec, LibC.NetlinkNetfilter);
            if (fd < 0)
            {
                error = "NFQUEUE unavailable: cannot open a netfilter netlink socket: " + LibC.ErrorText(Marshal.GetLastPInvokeError());
                return false;
            }

            byte[] address = new byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(address, LibC.AfNetlink);
            if (LibC.bind(fd, address, address.Length) != 0)
            {
                error = "NFQUEUE unavailable: cannot bind the netlink socket: " + LibC.ErrorText(Marshal.GetLastPInvokeError());
                LibC.close(fd);
                return false;
            }

            SetBuffer(fd, LibC.SoRcvbufForce, LibC.SoRcvbuf, 16 * 1024 * 1024);
            SetBuffer(fd, LibC.SoSndbufForce, LibC.SoSndbuf, 4 * 1024 * 1024);
            int one = 1;
            LibC.setsockopt(fd, LibC.SolNetlink, LibC.NetlinkNoEnobufs, ref one, sizeof(int));

            var candidate = new NfQueuePort(fd, queue, lanIfIndex, wanIfIndex) { Gso = gso };
            int errno = candidate.Configure();
            if (errno != 0)
            {
                candidate.Dispose();
                error = errno == 16 || errno == 1
                    ? "NFQUEUE unavailable: queue " + queue + " is already bound by another process"
                    : "NFQUEUE unavailable: binding queue " + queue + " failed: " + LibC.ErrorText(errno);
                return false;
            }

            port = candidate;
            error = null;
            return true;
        }

        /// <summary>Puts the native flow path in front of the caller (see the remarks).</summary>
        public void AttachFlowPath(NativeFlowTable flows)
        {
            _flows = flows;
        }

        /// <inheritdoc/>
        public int Receive(byte[] buffer, int timeoutMs, out Side ingress)
        {
            if (_pending)
            {
                // The caller skipped Complete: let the packet go on unchanged rather than hold it forever.
                AppendVerdict(_pendingId, NfAccept, null, 0, 0);
                _pending = false;
            }

            long deadline = Environment.TickCount64 + timeoutMs;
            while (!_disposed)
            {
                if (_rxOffset >= _rxLength && !Fill(deadline))
                {
                    break;
                }

                int length = TakeMessage(buffer, out ingress);
                if (length > 0)
                {
                    return length;
                }

                if (_flows != null && Environment.TickCount64 >= deadline)
                {
                    // Native traffic kept the queue busy: the caller's tick is due.
                    break;
                }
            }

            ingress = Side.Lan;
            return 0;
        }

        /// <inheritdoc/>
        public void Complete(Verdict verdict, byte[] buffer, int length, Side egress)
        {
            if (!_pending)
            {
                return;
            }

            _pending = false;
            if (verdict == Verdict.Forward)
            {
                PacketsForwarded++;
                AppendVerdict(_pendingId, NfAccept, buffer, 0, length);
            }
            else if (verdict == Verdict.Local)
            {
                PacketsLocal++;
                AppendVerdict(_pendingId, NfAccept, null, 0, 0);
            }
            else
            {
                PacketsDropped++;
                AppendVerdict(_pendingId, NfDrop, null, 0, 0);
            }
        }

        /// <summary>Packets sent on the router's own account (<see cref="Send"/>).</summary>
        public long PacketsSent { get; private set; }

        /// <inheritdoc/>
        /// <remarks>Through a raw IPv4 socket (IP_HDRINCL) in this namespace: the kernel routes the
        /// packet by its destination (out of the LAN for a released fragment); locally sent packets
        /// do not pass PREROUTING, so they are not queued again.</remarks>
        public void Send(byte[] buffer, int length, Side egress)
        {
            if (buffer == null || length < 20 || length > buffer.Length)
            {
                return;
            }

            if (_raw < 0)
            {
                _raw = LibC.socket(2 /* AF_INET */, 3 /* SOCK_RAW */, 255 /* IPPROTO_RAW */);
                if (_raw < 0)
                {
                    return;
                }
            }

            byte[] address = new byte[16];
            address[0] = 2; // sin_family AF_INET, little-endian
            Buffer.BlockCopy(buffer, 16, address, 4, 4);
            if (LibC.sendto(_raw, buffer, length, 0, address, address.Length) == length)
            {
                PacketsSent++;
            }
        }

        /// <summary>Sends every verdict still buffered.</summary>
        public void Flush()
        {
            if (_txLength == 0)
            {
                return;
            }

            nint sent = LibC.send(_fd, _tx, _txLength, 0);
            if (sent < 0)
            {
                // The kernel refused the whole batch (should not happen: the buffer is within SO_SNDBUF).
                VerdictErrors += _txCount;
            }

            VerdictBatches++;
            _txLength = 0;
            _txCount = 0;
        }

        /// <summary>Sends buffered verdicts and closes the socket, which unbinds the queue.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            if (_pending)
            {
                AppendVerdict(_pendingId, NfDrop, null, 0, 0);
                _pending = false;
            }

            Flush();
            _disposed = true;
            LibC.close(_fd);
            if (_raw >= 0)
            {
                LibC.close(_raw);
                _raw = -1;
            }
        }

        private static void SetBuffer(int fd, int forceOption, int option, int size)
        {
            int value = size;
            if (LibC.setsockopt(fd, LibC.SolSocket, forceOption, ref value, sizeof(int)) != 0)
            {
                value = size;
                LibC.setsockopt(fd, LibC.SolSocket, option, ref value, sizeof(int));
            }
        }

        /// <summary>Receives into _rx, waiting until <paramref name="deadline"/>; false on timeout.</summary>
        private bool Fill(long deadline)
        {
            _rxOffset = 0;
            _rxLength = 0;
            while (true)
            {
                nint n = LibC.recv(_fd, _rx, _rx.Length, LibC.MsgDontwait);
                if (n > 0)
                {
                    _rxLength = (int)n;
                    return true;
                }

                int errno = n < 0 ? Marshal.GetLastPInvokeError() : LibC.EAgain;
                if (errno == LibC.ENobufs)
                {
                    Overruns++;
                    continue;
                }

                if (errno == LibC.EIntr)
                {
                    continue;
                }

                if (errno != LibC.EAgain)
                {
                    return false;
                }

                // Nothing waiting: this is the moment to hand the kernel every verdict we hold.
                Flush();
                int wait = (int)Math.Max(0, deadline - Environment.TickCount64);
                var pfd = new LibC.PollFd { Fd = _fd, Events = LibC.PollIn };
                int ready = LibC.poll(ref pfd, 1, wait);
                if (ready == 0)
                {
                    return false;
                }

                if (ready < 0 && Marshal.GetLastPInvokeError() != LibC.EIntr)
                {
                    return false;
                }
            }
        }

        /// <summary>Parses the next netlink message in _rx; returns the packet length or 0 for a message that is not one for the caller.</summary>
        private int TakeMessage(byte[] buffer, out Side ingress)
        {
            ingress = Side.Lan;
            int start = _rxOffset;
            if (_rxLength - start < NlmsgHeaderLength)
            {
                _rxOffset = _rxLength;
                return 0;
            }

            int messageLength = (int)ReadHostUInt32(_rx, start);
            ushort type = ReadHostUInt16(_rx, start + 4);
            if (messageLength < NlmsgHeaderLength || start + messageLength > _rxLength)
            {
                _rxOffset = _rxLength;
                return 0;
            }

            _rxOffset = start + Align4(messageLength);
            if (type == NlmsgError)
            {
                if (messageLength >= NlmsgHeaderLength + 4 && ReadHostInt32(_rx, start + NlmsgHeaderLength) != 0)
                {
                    VerdictErrors++;
                }

                return 0;
            }

            if (type != NfqnlMsgPacket)
            {
                return 0;
            }

            uint id = 0;
            bool haveId = false;
            int inDev = -1;
            int payloadOffset = -1;
            int payloadLength = 0;
            int capturedLength = -1;
            uint skbInfo = 0;
            int hardwareAddress = -1;
            int end = start + messageLength;
            int a = start + NlmsgHeaderLength + NfgenHeaderLength;
            while (a + 4 <= end)
            {
                int attributeLength = ReadHostUInt16(_rx, a);
                int attributeType = ReadHostUInt16(_rx, a + 2) & 0x3FFF;
                if (attributeLength < 4 || a + attributeLength > end)
                {
                    break;
                }

                int p = a + 4;
                int l = attributeLength - 4;
                switch (attributeType)
                {
                    case NfqaPacketHeader:
                        if (l >= 4)
                        {
                            id = BinaryPrimitives.ReadUInt32BigEndian(_rx.AsSpan(p));
                            haveId = true;
                        }

                        break;
                    case NfqaIfIndexInDev:
                        if (l >= 4)
                        {
                            inDev = (int)BinaryPrimitives.ReadUInt32BigEndian(_rx.AsSpan(p));
                        }

                        break;
                    case NfqaPayload:
                        payloadOffset = p;
                        payloadLength = l;
                        break;
                    case NfqaHardwareAddress:
                        // struct nfqnl_msg_packet_hw: hw_addrlen (be16), pad, hw_addr[8]: the
                        // frame's source on an Ethernet device (veth, bridge ports).
                        if (l >= 4 + LinkSourceLength && BinaryPrimitives.ReadUInt16BigEndian(_rx.AsSpan(p)) == LinkSourceLength)
                        {
                            hardwareAddress = p + 4;
                        }

                        break;
                    case NfqaCapLength:
                        if (l >= 4)
                        {
                            capturedLength = (int)BinaryPrimitives.ReadUInt32BigEndian(_rx.AsSpan(p));
                        }

                        break;
                    case NfqaSkbInfo:
                        if (l >= 4)
                        {
                            skbInfo = BinaryPrimitives.ReadUInt32BigEndian(_rx.AsSpan(p));
                        }

                        break;
                }

                a += Align4(attributeLength);
            }

            if (!haveId)
            {
                return 0;
            }

            bool known = inDev == _lanIfIndex || inDev == _wanIfIndex;
            bool whole = payloadOffset >= 0 && payloadLength > 0 && payloadLength <= buffer.Length
                && (capturedLength < 0 || capturedLength == payloadLength);
            if (!known || !whole)
            {
                // Not from our two interfaces, or not all of it: not ours to judge.
                PacketsBypassed++;
                AppendVerdict(id, NfAccept, null, 0, 0);
                return 0;
            }

            if ((skbInfo & (NfqaSkbCsumNotReady | NfqaSkbGso)) != 0)
            {
                // Partial checksum or a GSO/GRO super-packet: give the core (native or managed) a full,
                // true checksum, which it then updates incrementally as on the device.
                TransportChecksum.Recompute(_rx, payloadOffset, payloadLength);
            }

            ingress = inDev == _lanIfIndex ? Side.Lan : Side.Wan;
            if (_flows != null && _flows.Process(_rx, payloadOffset, payloadLength, ingress, out _) == NativeFlowTable.Hit)
            {
                // An installed flow: translated in place, accepted with the forward mark; the kernel routes it.
                PacketsNative++;
                AppendVerdict(id, NfAccept, _rx, payloadOffset, payloadLength);
                return 0;
            }

            Buffer.BlockCopy(_rx, payloadOffset, buffer, 0, payloadLength);
            if (payloadLength + LinkSourceLength <= buffer.Length)
            {
                // IPacketPort: the sender's link-layer address right after the packet, zeros when unknown.
                if (hardwareAddress >= 0)
                {
                    Buffer.BlockCopy(_rx, hardwareAddress, buffer, payloadLength, LinkSourceLength);
                }
                else
                {
                    Array.Clear(buffer, payloadLength, LinkSourceLength);
                }
            }

            _pendingId = id;
            _pending = true;
            PacketsReceived++;
            return payloadLength;
        }

        private void AppendVerdict(uint id, uint verdict, byte[] payload, int payloadOffset, int payloadLength)
        {
            int need = VerdictWithoutPayloadLength + (payload == null ? 0 : 8 + 4 + Align4(payloadLength));
            if (_txLength + need > _tx.Length)
            {
                Flush();
            }

            int start = _txLength;
            int o = start;
            // nlmsg_len covers the payload without its trailing pad; the next message starts aligned.
            WriteHostUInt32(_tx, o, (uint)(VerdictWithoutPayloadLength + (payload == null ? 0 : 8 + 4 + payloadLength)));
            WriteHostUInt16(_tx, o + 4, NfqnlMsgVerdict);
            WriteHostUInt16(_tx, o + 6, NlmFRequest);
            WriteHostUInt32(_tx, o + 8, ++_seq);
            WriteHostUInt32(_tx, o + 12, 0);
            o += NlmsgHeaderLength;
            WriteNfgen(_tx, o);
            o += NfgenHeaderLength;
            WriteHostUInt16(_tx, o, 12);
            WriteHostUInt16(_tx, o + 2, NfqaVerdictHeader);
            BinaryPrimitives.WriteUInt32BigEndian(_tx.AsSpan(o + 4), verdict);
            BinaryPrimitives.WriteUInt32BigEndian(_tx.AsSpan(o + 8), id);
            o += 12;
            if (payload != null)
            {
                WriteHostUInt16(_tx, o, 8);
                WriteHostUInt16(_tx, o + 2, NfqaMark);
                BinaryPrimitives.WriteUInt32BigEndian(_tx.AsSpan(o + 4), ForwardMark);
                o += 8;
                WriteHostUInt16(_tx, o, (ushort)(4 + payloadLength));
                WriteHostUInt16(_tx, o + 2, NfqaPayload);
                Buffer.BlockCopy(payload, payloadOffset, _tx, o + 4, payloadLength);
                o += 4 + payloadLength;
                while ((o & 3) != 0)
                {
                    _tx[o++] = 0;
                }
            }

            _txLength = o;
            _txCount++;
            if (_txCount >= BatchLimit)
            {
                Flush();
            }
        }

        /// <summary>Binds the queue and sets copy mode, queue length and flags; returns 0 or an errno.</summary>
        private int Configure()
        {
            byte[] message = new byte[128];

            int o = BeginConfig(message);
            WriteHostUInt16(message, o, 8);
            WriteHostUInt16(message, o + 2, NfqaCfgCmd);
            message[o + 4] = NfqnlCfgCmdBind;
            message[o + 5] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(o + 6), 2);
            o += 8;
            int errno = SendAndAwaitAck(message, o);
            if (errno != 0)
            {
                return errno;
            }

            o = BeginConfig(message);
            WriteHostUInt16(message, o, 9);
            WriteHostUInt16(message, o + 2, NfqaCfgParams);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(o + 4), MaxPacketLength);
            message[o + 8] = NfqnlCopyPacket;
            message[o + 9] = 0;
            message[o + 10] = 0;
            message[o + 11] = 0;
            o += 12;
            WriteHostUInt16(message, o, 8);
            WriteHostUInt16(message, o + 2, NfqaCfgQueueMaxLength);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(o + 4), 8192);
            o += 8;
            WriteHostUInt16(message, o, 8);
            WriteHostUInt16(message, o + 2, NfqaCfgMask);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(o + 4), NfqaCfgFFailOpen | NfqaCfgFGso);
            o += 8;
            WriteHostUInt16(message, o, 8);
            WriteHostUInt16(message, o + 2, NfqaCfgFlags);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(o + 4), Gso ? NfqaCfgFGso : 0);
            o += 8;
            return SendAndAwaitAck(message, o);
        }

        private int BeginConfig(byte[] message)
        {
            Array.Clear(message);
            WriteHostUInt16(message, 4, NfqnlMsgConfig);
            WriteHostUInt16(message, 6, NlmFRequest | NlmFAck);
            WriteHostUInt32(message, 8, ++_seq);
            WriteNfgen(message, NlmsgHeaderLength);
            return NlmsgHeaderLength + NfgenHeaderLength;
        }

        private int SendAndAwaitAck(byte[] message, int length)
        {
            WriteHostUInt32(message, 0, (uint)length);
            uint seq = _seq;
            if (LibC.send(_fd, message, length, 0) < 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            long deadline = Environment.TickCount64 + 2000;
            while (Environment.TickCount64 < deadline)
            {
                var pfd = new LibC.PollFd { Fd = _fd, Events = LibC.PollIn };
                if (LibC.poll(ref pfd, 1, (int)Math.Max(1, deadline - Environment.TickCount64)) <= 0)
                {
                    continue;
                }

                nint n = LibC.recv(_fd, _rx, _rx.Length, LibC.MsgDontwait);
                if (n <= 0)
                {
                    continue;
                }

                int o = 0;
                while (o + NlmsgHeaderLength <= n)
                {
                    int messageLength = (int)ReadHostUInt32(_rx, o);
                    ushort type = ReadHostUInt16(_rx, o + 4);
                    uint messageSeq = ReadHostUInt32(_rx, o + 8);
                    if (messageLength < NlmsgHeaderLength)
                    {
                        break;
                    }

                    if (type == NlmsgError && messageSeq == seq && messageLength >= NlmsgHeaderLength + 4)
                    {
                        return -ReadHostInt32(_rx, o + NlmsgHeaderLength);
                    }

                    if (type == NlmsgDone)
                    {
                        break;
                    }

                    o += Align4(messageLength);
                }
            }

            return 110; // ETIMEDOUT
        }

        private void WriteNfgen(byte[] buffer, int offset)
        {
            buffer[offset] = 0; // AF_UNSPEC
            buffer[offset + 1] = 0; // NFNETLINK_V0
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), _queue);
        }

        private static int Align4(int length) => (length + 3) & ~3;

        private static ushort ReadHostUInt16(byte[] b, int o) => MemoryMarshal.Read<ushort>(b.AsSpan(o));

        private static uint ReadHostUInt32(byte[] b, int o) => MemoryMarshal.Read<uint>(b.AsSpan(o));

        private static int ReadHostInt32(byte[] b, int o) => MemoryMarshal.Read<int>(b.AsSpan(o));

        private static void WriteHostUInt16(byte[] b, int o, ushort v) => MemoryMarshal.Write(b.AsSpan(o), in v);

        private static void WriteHostUInt32(byte[] b, int o, uint v) => MemoryMarshal.Write(b.AsSpan(o), in v);
    }
}
