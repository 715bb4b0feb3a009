namespace NanoRouter.Tests.Wire
{
    /// <summary>
    /// ICMP type (high byte) and code (low byte), RFC 792, with the names and values of
    /// PacketDotNet's IcmpV4TypeCode so the tests read as they did when PacketDotNet built them.
    /// </summary>
    internal enum IcmpV4TypeCode
    {
        EchoReply = 0x0000,
        UnreachableHost = 0x0301,
        UnreachablePort = 0x0303,
        UnreachableFragmentationNeeded = 0x0304,
        EchoRequest = 0x0800,
        TimeExceeded = 0x0B00,
        Timestamp = 0x0D00,
    }
}
