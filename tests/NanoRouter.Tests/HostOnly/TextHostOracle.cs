using System;
using System.Text;

namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// .NET as the second oracle for the shared tests' <see cref="Text"/> (in the shared helpers'
    /// namespace, as a partial class must be): every UTF-8 encoding, decoding and percent-encoding
    /// the shared tests make is made again by Encoding.UTF8 (decoding: the throwing, strict
    /// UTF8Encoding) and Uri.EscapeDataString, and must come out the same. In nanoCLR this file is not
    /// compiled and the calls vanish.
    /// </summary>
    internal static partial class Text
    {
        private static readonly UTF8Encoding s_strict = new UTF8Encoding(false, true);

        /// <summary>How many results .NET has checked in this process (TextAndJsonOracleTests checks it is busy).</summary>
        internal static int HostOracleChecks;

        static partial void HostUtf8(string text, byte[] bytes)
        {
            HostOracleChecks++;
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(text), bytes, "the tests' UTF-8 and .NET's must agree on \"" + text + "\"");
        }

        static partial void HostFromUtf8(byte[] bytes, int offset, int count, string text)
        {
            HostOracleChecks++;
            Assert.AreEqual(s_strict.GetString(bytes, offset, count), text, "the tests' UTF-8 decoder and .NET's must agree");
        }

        static partial void HostPercentEncode(string text, string encoded)
        {
            HostOracleChecks++;
            Assert.AreEqual(Uri.EscapeDataString(text), encoded, "the tests' percent-encoding and Uri.EscapeDataString must agree");
        }
    }
}
