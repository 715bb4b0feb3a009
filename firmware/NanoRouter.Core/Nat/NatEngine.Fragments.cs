using System;
using NanoRouter.Core.Nat.Translation;
using NanoRouter.Core.Passthrough;
using NanoRouter.Core.Wire;
using NanoRouter.Hal;

namespace NanoRouter.Core.Nat
{
    /// <summary>
    /// IP fragments: later fragments from the WAN follow their first fragment's translation
    /// (FragmentTracker); those that come first are held and released after it.
    /// </summary>
    public sealed partial class NatEngine
    {
        private FragmentTracker _fragments;

        /// <summary>The fragment tracker (read-only use: statistics and tests).</summary>
        public FragmentTracker Fragments => _fragments;

        private void InitializeFragments()
        {
            _fragments = new FragmentTracker(
                _options.FragmentDatagrams > 0 ? _options.FragmentDatagrams : 32,
                _options.FragmentHeldSlots > 0 ? _options.FragmentHeldSlots : 4,
                _options.MaxPacketLength > 0 ? _options.MaxPacketLength : 1600);
        }

        /// <summary>
        /// A packet the router must send on its own after <see cref="Process"/>: a later fragment
        /// that arrived before its first and was held, released (already translated) once the first
        /// came. Call it after every Process until it returns 0, and send each packet out of
        /// <paramref name="egress"/>.
        /// </summary>
        /// <returns>The packet's length in <paramref name="buffer"/> (at index 0), or 0 when none is pending.</returns>
        public int TakePending(byte[] buffer, out Side egress)
        {
            egress = Side.Lan;
            if (buffer == null || buffer.Length < _fragments.MaxPacketLength)
            {
                return 0;
            }

            return _fragments.TakeReleased(buffer);
        }

        /// <summary>An inbound first fragment was translated to <paramref name="lanAddress"/>: later
        /// fragments of its datagram follow it, and held ones are released.</summary>
        private void OnInboundFirstFragment(uint source, byte protocol, ushort identification, uint lanAddress)
        {
            _fragments.RecordFirst(source, _wanAddress, protocol, identification, lanAddress, _nowMs);
        }

        /// <summary>A later fragment from the WAN: it goes where its first fragment went; one that comes
        /// before its first is held (bounded, a fair share per remote) and released when the first
        /// arrives, but only when it comes from a remote that a live mapping talks to (a NAT session,
        /// an ESP or GRE mapping): a flood of unmatched later fragments from elsewhere takes no slot.</summary>
        private Verdict InboundLaterFragment(byte[] p, IPv4Packet ip)
        {
            uint lanAddress;
            if (_fragments.TryLookup(ip.SourceAddress, ip.DestinationAddress, ip.Protocol, ip.Identification, out lanAddress, _nowMs))
            {
                _translator.RewriteAddress(p, 0, (int)(lanAddress & 0xFF), Translator.Inbound, 0);
                return Forward(Side.Lan);
            }

            uint remote = BitConverter.ToUInt32(p, IPv4Packet.SourceAddressOffset);
            if (!_table.HasRemote(remote) && !_esp.HasPeer(remote) && !_gre.HasPeer(remote))
            {
                return Drop(DropReason.Fragment);
            }

            int evicted = _fragments.Evicted;
            if (_fragments.Hold(p, ip.TotalLength, _nowMs))
            {
                if (_fragments.Evicted != evicted)
                {
                    // Every slot was taken: an older held fragment was dropped for this one.
                    _vpn.MarkServer(ip.SourceAddress, VpnProblem.FragmentsDropped);
                }

                return Drop(DropReason.FragmentHeld);
            }

            if (ip.TotalLength <= _fragments.MaxPacketLength)
            {
                // No slot could be had for it.
                _vpn.MarkServer(ip.SourceAddress, VpnProblem.FragmentsDropped);
            }

            return Drop(DropReason.Fragment);
        }
    }
}
