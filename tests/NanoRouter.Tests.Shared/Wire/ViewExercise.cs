using NanoRouter.Core.Wire;

namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// Parses a byte range with every view and, after each successful parse, reads every accessor
    /// (and, through the IPv4 view, the transport and embedded views it leads to). Returns a
    /// fingerprint of everything read, so two calls can be compared. Reads only; the setters are
    /// exercised by <see cref="WriteAll"/>.
    /// </summary>
    internal static class ViewExercise
    {
        private static long Mix(long hash, long value) => unchecked((hash * 1000003) ^ value);

        private static long Mix(long hash, bool value) => Mix(hash, value ? 1 : 2);

        internal static long ReadAll(byte[] buffer, int offset, int length)
        {
            long h = 17;
            h = Mix(h, (long)IPv4Packet.TryParse(buffer, offset, length, out IPv4Packet ip));
            if (IPv4Packet.TryParse(buffer, offset, length, out ip) == WireStatus.Ok)
            {
                h = ReadIp(h, ip);
            }

            h = Mix(h, (long)IPv4Packet.TryParseEmbedded(buffer, offset, length, out IPv4Packet embedded));
            if (IPv4Packet.TryParseEmbedded(buffer, offset, length, out embedded) == WireStatus.Ok)
            {
                h = ReadIp(h, embedded);
            }

            h = ReadTransports(h, buffer, offset, length, IPv4Packet.ProtocolTcp, 0, 0);
            h = ReadTransports(h, buffer, offset, length, IPv4Packet.ProtocolUdp, 0, 0);
            h = ReadTransports(h, buffer, offset, length, IPv4Packet.ProtocolIcmp, 0, 0);
            h = ReadTransports(h, buffer, offset, length, IPv4Packet.ProtocolGre, 0, 0);
            h = ReadTransports(h, buffer, offset, length, IPv4Packet.ProtocolEsp, 0, 0);
            h = Mix(h, (long)NatTraversal.Classify(buffer, offset, length));
            h = ReadIke(h, buffer, offset, length);
            h = ReadPptp(h, buffer, offset, length);
            return h;
        }

        private static long ReadIp(long h, IPv4Packet ip)
        {
            h = Mix(h, ip.Offset); h = Mix(h, ip.Length); h = Mix(h, ip.Version); h = Mix(h, ip.InternetHeaderLength);
            h = Mix(h, ip.HeaderLength); h = Mix(h, ip.OptionsLength); h = Mix(h, ip.OptionsOffset); h = Mix(h, ip.DifferentiatedServicesField);
            h = Mix(h, ip.DifferentiatedServicesCodePoint); h = Mix(h, ip.ExplicitCongestionNotification); h = Mix(h, ip.TotalLength);
            h = Mix(h, ip.Identification); h = Mix(h, ip.FlagsAndFragmentOffset); h = Mix(h, ip.DontFragment); h = Mix(h, ip.MoreFragments);
            h = Mix(h, ip.FragmentOffsetRaw); h = Mix(h, ip.FragmentOffset); h = Mix(h, ip.IsFragment); h = Mix(h, ip.IsFirstFragment);
            h = Mix(h, ip.HasTransportHeader); h = Mix(h, ip.TimeToLive); h = Mix(h, ip.Protocol); h = Mix(h, ip.HeaderChecksum);
            h = Mix(h, ip.SourceAddress); h = Mix(h, ip.DestinationAddress); h = Mix(h, ip.PayloadOffset); h = Mix(h, ip.PayloadLength);
            h = Mix(h, ip.IsHeaderChecksumValid()); h = Mix(h, ip.ComputeHeaderChecksum());
            return ReadTransports(h, ip.Buffer, ip.PayloadOffset, ip.PayloadLength, ip.Protocol, ip.SourceAddress, ip.DestinationAddress);
        }

        private static long ReadTransports(long h, byte[] buffer, int offset, int length, byte protocol, uint source, uint destination)
        {
            switch (protocol)
            {
                case IPv4Packet.ProtocolTcp:
                    if (TcpSegment.TryParse(buffer, offset, length, out TcpSegment tcp) == WireStatus.Ok)
                    {
                        h = Mix(h, tcp.Offset); h = Mix(h, tcp.Length); h = Mix(h, tcp.SourcePort); h = Mix(h, tcp.DestinationPort);
                        h = Mix(h, tcp.SequenceNumber); h = Mix(h, tcp.AcknowledgmentNumber); h = Mix(h, tcp.DataOffset); h = Mix(h, tcp.HeaderLength);
                        h = Mix(h, tcp.Flags); h = Mix(h, tcp.HasFlags(TcpSegment.FlagSyn | TcpSegment.FlagAck)); h = Mix(h, tcp.Window);
                        h = Mix(h, tcp.Checksum); h = Mix(h, tcp.UrgentPointer); h = Mix(h, tcp.OptionsOffset); h = Mix(h, tcp.OptionsLength);
                        h = Mix(h, tcp.PayloadOffset); h = Mix(h, tcp.PayloadLength); h = Mix(h, tcp.IsChecksumValid(source, destination));
                        h = Mix(h, tcp.ComputeChecksum(source, destination)); h = Mix(h, tcp.TryGetMss(out ushort mss)); h = Mix(h, mss);
                        for (byte kind = 2; kind < 9; kind++)
                        {
                            h = Mix(h, tcp.TryFindOption(kind, out int at, out int optionLength)); h = Mix(h, at); h = Mix(h, optionLength);
                        }
                    }

                    return Mix(h, (long)TcpSegment.TryParse(buffer, offset, length, out tcp));
                case IPv4Packet.ProtocolUdp:
                    if (UdpDatagram.TryParse(buffer, offset, length, out UdpDatagram udp) == WireStatus.Ok)
                    {
                        h = Mix(h, udp.Offset); h = Mix(h, udp.SourcePort); h = Mix(h, udp.DestinationPort); h = Mix(h, udp.Length);
                        h = Mix(h, udp.Checksum); h = Mix(h, udp.HasChecksum); h = Mix(h, udp.PayloadOffset); h = Mix(h, udp.PayloadLength);
                        h = Mix(h, udp.IsChecksumValid(source, destination)); h = Mix(h, udp.ComputeChecksum(source, destination));
                        h = Mix(h, (long)NatTraversal.Classify(buffer, udp.PayloadOffset, udp.PayloadLength));
                        h = ReadIke(h, buffer, udp.PayloadOffset, udp.PayloadLength);
                    }

                    return Mix(h, (long)UdpDatagram.TryParse(buffer, offset, length, out udp));
                case IPv4Packet.ProtocolIcmp:
                    if (IcmpPacket.TryParse(buffer, offset, length, out IcmpPacket icmp) == WireStatus.Ok)
                    {
                        h = Mix(h, icmp.Offset); h = Mix(h, icmp.Length); h = Mix(h, icmp.Type); h = Mix(h, icmp.Code); h = Mix(h, icmp.Checksum);
                        h = Mix(h, icmp.IsQuery); h = Mix(h, icmp.IsError); h = Mix(h, icmp.IsFragmentationNeeded); h = Mix(h, icmp.Identifier);
                        h = Mix(h, icmp.SequenceNumber); h = Mix(h, icmp.NextHopMtu); h = Mix(h, icmp.Pointer); h = Mix(h, icmp.GatewayAddress);
                        h = Mix(h, icmp.EmbeddedOffset); h = Mix(h, icmp.EmbeddedLength); h = Mix(h, icmp.PayloadOffset); h = Mix(h, icmp.PayloadLength);
                        h = Mix(h, icmp.IsChecksumValid()); h = Mix(h, icmp.ComputeChecksum());
                        if (icmp.TryParseEmbeddedPacket(out IPv4Packet embedded) == WireStatus.Ok)
                        {
                            h = ReadIp(h, embedded);
                        }
                    }

                    return Mix(h, (long)IcmpPacket.TryParse(buffer, offset, length, out icmp));
                case IPv4Packet.ProtocolGre:
                    if (GrePacket.TryParse(buffer, offset, length, out GrePacket gre) == WireStatus.Ok)
                    {
                        h = Mix(h, gre.Offset); h = Mix(h, gre.Length); h = Mix(h, gre.Version); h = Mix(h, gre.ChecksumPresent); h = Mix(h, gre.KeyPresent);
                        h = Mix(h, gre.SequenceNumberPresent); h = Mix(h, gre.AcknowledgmentNumberPresent); h = Mix(h, gre.ProtocolType);
                        h = Mix(h, gre.HeaderLength); h = Mix(h, gre.PayloadOffset); h = Mix(h, gre.PayloadLength); h = Mix(h, gre.Checksum);
                        h = Mix(h, gre.TryGetKey(out uint key)); h = Mix(h, key); h = Mix(h, gre.TryGetSequenceNumber(out uint sequence)); h = Mix(h, sequence);
                        h = Mix(h, gre.TryGetAcknowledgmentNumber(out uint acknowledgment)); h = Mix(h, acknowledgment);
                        h = Mix(h, gre.EnhancedPayloadLength); h = Mix(h, gre.CallId); h = Mix(h, gre.CallIdBufferOffset);
                        h = Mix(h, gre.IsChecksumValid()); h = Mix(h, gre.ComputeChecksum());
                    }

                    return Mix(h, (long)GrePacket.TryParse(buffer, offset, length, out gre));
                case IPv4Packet.ProtocolEsp:
                    if (EspPacket.TryParse(buffer, offset, length, out EspPacket esp) == WireStatus.Ok)
                    {
                        h = Mix(h, esp.Offset); h = Mix(h, esp.Length); h = Mix(h, esp.SecurityParametersIndex); h = Mix(h, esp.SequenceNumber);
                        h = Mix(h, esp.PayloadOffset); h = Mix(h, esp.PayloadLength);
                    }

                    return Mix(h, (long)EspPacket.TryParse(buffer, offset, length, out esp));
                default:
                    return h;
            }
        }

        private static long ReadIke(long h, byte[] buffer, int offset, int length)
        {
            if (IkeHeader.TryParse(buffer, offset, length, out IkeHeader ike) == WireStatus.Ok)
            {
                h = Mix(h, ike.Offset); h = Mix(h, ike.InitiatorSpiHigh); h = Mix(h, ike.InitiatorSpiLow); h = Mix(h, ike.ResponderSpiHigh);
                h = Mix(h, ike.ResponderSpiLow); h = Mix(h, ike.ResponderSpiIsZero); h = Mix(h, ike.NextPayload); h = Mix(h, ike.MajorVersion);
                h = Mix(h, ike.MinorVersion); h = Mix(h, ike.ExchangeType); h = Mix(h, ike.Flags); h = Mix(h, ike.IsInitiator);
                h = Mix(h, ike.IsResponse); h = Mix(h, ike.MessageId); h = Mix(h, ike.Length);
            }

            return Mix(h, (long)IkeHeader.TryParse(buffer, offset, length, out ike));
        }

        private static long ReadPptp(long h, byte[] buffer, int offset, int length)
        {
            if (PptpControlMessage.TryParse(buffer, offset, length, out PptpControlMessage pptp) == WireStatus.Ok)
            {
                h = Mix(h, pptp.Offset); h = Mix(h, pptp.MessageLength); h = Mix(h, pptp.MessageType); h = Mix(h, pptp.MagicCookie);
                h = Mix(h, (long)pptp.ControlMessageType); h = Mix(h, pptp.TryGetCallIdOffset(out int callIdAt)); h = Mix(h, callIdAt);
                h = Mix(h, pptp.TryGetPeerCallIdOffset(out int peerAt)); h = Mix(h, peerAt); h = Mix(h, pptp.TryGetCallId(out ushort callId));
                h = Mix(h, callId); h = Mix(h, pptp.TryGetPeerCallId(out ushort peer)); h = Mix(h, peer);
            }

            return Mix(h, (long)PptpControlMessage.TryParse(buffer, offset, length, out pptp));
        }

        /// <summary>After a successful parse of each view over the range, calls every setter with <paramref name="value"/>.</summary>
        internal static void WriteAll(byte[] buffer, int offset, int length, uint value)
        {
            ushort word = (ushort)value;
            if (IPv4Packet.TryParseEmbedded(buffer, offset, length, out IPv4Packet ip) == WireStatus.Ok)
            {
                ip.SetSourceAddressWithChecksumUpdate(value); ip.SetDestinationAddressWithChecksumUpdate(~value); ip.SetTimeToLiveWithChecksumUpdate((byte)value);
                ip.SetIdentificationWithChecksumUpdate(word); ip.SetFlagsAndFragmentOffsetWithChecksumUpdate(word); ip.UpdateHeaderChecksum();
            }

            if (TcpSegment.TryParse(buffer, offset, length, out TcpSegment tcp) == WireStatus.Ok)
            {
                tcp.SetSourcePortWithChecksumUpdate(word); tcp.SetDestinationPortWithChecksumUpdate(word); tcp.SetMssWithChecksumUpdate(word);
                tcp.UpdateChecksumForAddressChange(value, ~value); tcp.UpdateChecksum(value, ~value);
                for (int i = -3; i < length + 3; i++)
                {
                    tcp.WriteUInt16WithChecksumUpdate(offset + i, word);
                }
            }

            if (UdpDatagram.TryParse(buffer, offset, length, out UdpDatagram udp) == WireStatus.Ok)
            {
                udp.SetSourcePortWithChecksumUpdate(word); udp.SetDestinationPortWithChecksumUpdate(word);
                udp.UpdateChecksumForAddressChange(value, ~value); udp.UpdateChecksum(value, ~value);
            }

            if (IcmpPacket.TryParse(buffer, offset, length, out IcmpPacket icmp) == WireStatus.Ok)
            {
                icmp.SetIdentifierWithChecksumUpdate(word); icmp.SetSequenceNumberWithChecksumUpdate(word); icmp.SetNextHopMtuWithChecksumUpdate(word);
                icmp.UpdateChecksumForChange(word, (ushort)~word); icmp.UpdateChecksumForChange(value, ~value); icmp.UpdateChecksum();
            }

            if (GrePacket.TryParse(buffer, offset, length, out GrePacket gre) == WireStatus.Ok)
            {
                gre.SetKeyWithChecksumUpdate(value); gre.SetCallId(word);
            }
        }
    }
}
