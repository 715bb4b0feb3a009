using System;
using NanoRouter.Core.Admin;
using NanoRouter.Core.Common;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Admin
{
    [TestClass]
    public class HttpRequestParserTests
    {
        // Requests as browsers and curl send them (Chromium's header order, trimmed).
        private static readonly string[] s_validRequests =
        {
            "GET / HTTP/1.1\r\nHost: 192.168.4.1\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\n\r\n",
            "GET /style.css?v=1 HTTP/1.1\r\nHost: nanorouter.lan:8080\r\nCookie: nr_sid=00112233445566778899aabbccddeeff\r\n\r\n",
            "POST /login HTTP/1.1\r\nHost: 192.168.4.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 30\r\nOrigin: http://192.168.4.1\r\n\r\ncsrf=ab&password=hello%20world",
            "PUT /api/passthrough HTTP/1.1\r\nHost: 192.168.4.1\r\nAuthorization: Bearer 0123\r\nContent-Length: 13\r\n\r\n{\"esp\":false}",
            "HEAD / HTTP/1.0\r\n\r\n",
        };

        private static HttpParseStatus Parse(string text, HttpRequest request = null)
        {
            byte[] bytes = Text.Utf8(text);
            return HttpRequestParser.Parse(bytes, bytes.Length, request ?? new HttpRequest());
        }

        [TestMethod]
        public void Parse_EveryPrefixOfValidRequests_IsIncompleteThenOk()
        {
            foreach (string text in s_validRequests)
            {
                byte[] bytes = Text.Ascii(text);
                var request = new HttpRequest();
                for (int length = 0; length < bytes.Length; length++)
                {
                    // A buffer exactly as long as the prefix, so reading past it would throw.
                    byte[] prefix = new byte[length];
                    Array.Copy(bytes, prefix, length);
                    Assert.AreEqual(HttpParseStatus.Incomplete, HttpRequestParser.Parse(prefix, length, request), "prefix " + length + " of " + text);
                }

                Assert.AreEqual(HttpParseStatus.Ok, HttpRequestParser.Parse(bytes, bytes.Length, request), text);
            }
        }

        [TestMethod]
        public void Parse_Post_GivesOffsetsOfHeadersAndBody()
        {
            string text = s_validRequests[2];
            byte[] bytes = Text.Ascii(text);
            var r = new HttpRequest();
            Assert.AreEqual(HttpParseStatus.Ok, HttpRequestParser.Parse(bytes, bytes.Length, r));
            Assert.AreEqual(HttpMethod.Post, r.Method);
            Assert.IsTrue(r.PathIs("/login"));
            Assert.AreEqual("192.168.4.1", Text.FromAscii(bytes, r.HostOffset, r.HostLength));
            Assert.AreEqual("http://192.168.4.1", Text.FromAscii(bytes, r.OriginOffset, r.OriginLength));
            Assert.AreEqual(30, r.ContentLength);
            Assert.AreEqual("csrf=ab&password=hello%20world", Text.FromAscii(bytes, r.BodyOffset, r.BodyLength));
        }

        [TestMethod]
        public void Parse_PercentEncodedPath_IsDecoded()
        {
            var r = new HttpRequest();
            Assert.AreEqual(HttpParseStatus.Ok, Parse("GET /%73tyle%2Ecss?x=%41 HTTP/1.1\r\nHost: a\r\n\r\n", r));
            Assert.IsTrue(r.PathIs("/style.css"));
            Assert.AreEqual(5, r.QueryLength);
        }

        [TestMethod]
        [DataRow("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", "bad percent-encoding in path")]
        [DataRow("GET /a% HTTP/1.1\r\nHost: a\r\n\r\n", "bad percent-encoding in path")]
        [DataRow("GET /a?%4 HTTP/1.1\r\nHost: a\r\n\r\n", "bad percent-encoding in query")]
        [DataRow("GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n", "control character in path")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "obsolete header line folding")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\tfolded\r\n\r\n", "obsolete header line folding")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "duplicate Host header")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", "duplicate Host header")]
        [DataRow("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "conflicting Content-Length headers")]
        [DataRow("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\na", "malformed Content-Length")]
        [DataRow("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length")]
        [DataRow("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", "malformed Content-Length")]
        [DataRow("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\na", "malformed Content-Length")]
        [DataRow("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", "both Transfer-Encoding and Content-Length")]
        [DataRow("GET / HTTP/1.1\r\n\r\n", "missing Host header")]
        [DataRow("GET / HTTP/1.1\nHost: a\r\n\r\n", "line not ended by CRLF")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\n\r\n", "line not ended by CRLF")]
        [DataRow("GET / HTTP/1.1\r\nHost : a\r\n\r\n", "malformed header name")]
        [DataRow("GET / HTTP/1.1\r\n: a\r\n\r\n", "malformed header line")]
        [DataRow("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "malformed header line")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0001b\r\n\r\n", "control character in header value")]
        [DataRow("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "malformed request line")]
        [DataRow("GET a HTTP/1.1\r\nHost: a\r\n\r\n", "request target must start with /")]
        [DataRow("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", "request target must start with /")]
        [DataRow("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", "invalid character in request target")]
        [DataRow("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", "malformed HTTP version")]
        [DataRow("GET / HTTX/1.1\r\nHost: a\r\n\r\n", "malformed HTTP version")]
        [DataRow("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "malformed method")]
        [DataRow("\r\n", "malformed request line")]
        [DataRow("\n", "line not ended by CRLF")]
        [DataRow("GET\r\n\r\n", "malformed request line")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: a\r\nAuthorization: a\r\n\r\n", "duplicate Authorization header")]
        [DataRow("GET / HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n", "duplicate Cookie header")]
        public void Parse_Malformed_IsBadRequestWithReason(string text, string reason)
        {
            var r = new HttpRequest();
            Assert.AreEqual(HttpParseStatus.BadRequest, Parse(text, r), text);
            Assert.AreEqual(reason, r.Error);
        }

        [TestMethod]
        public void Parse_SameContentLengthTwice_IsAccepted()
        {
            Assert.AreEqual(HttpParseStatus.Ok, Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab"));
        }

        [TestMethod]
        public void Parse_Other_Statuses()
        {
            Assert.AreEqual(HttpParseStatus.NotImplemented, Parse("DELETE / HTTP/1.1\r\nHost: a\r\n\r\n"));
            Assert.AreEqual(HttpParseStatus.NotImplemented, Parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"));
            Assert.AreEqual(HttpParseStatus.VersionNotSupported, Parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
            Assert.AreEqual(HttpParseStatus.UriTooLong, Parse("GET /" + new string('a', HttpRequest.MaxPathBytes) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
            // A target longer than the whole head: 414 as well, not 431, also before its line ends.
            Assert.AreEqual(HttpParseStatus.UriTooLong, Parse("GET /" + new string('a', 3000) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
            Assert.AreEqual(HttpParseStatus.UriTooLong, Parse("GET /" + new string('a', HttpRequestParser.MaxHeaderBytes)));
            Assert.AreEqual(HttpParseStatus.HeadersTooLarge, Parse("get /" + new string('a', HttpRequestParser.MaxHeaderBytes)));
            Assert.AreEqual(HttpParseStatus.Ok, Parse("GET /" + new string('a', HttpRequest.MaxPathBytes - 1) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
        }

        [TestMethod]
        public void Parse_BodyLimit_413AsSoonAsHeadersEnd()
        {
            int max = HttpRequestParser.MaxBodyBytes;
            Assert.AreEqual(1536, max, "the body limit (the change-password form at its limits is about 1,250 bytes)");
            Assert.AreEqual(HttpParseStatus.BodyTooLarge, Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + (max + 1) + "\r\n\r\n"));
            Assert.AreEqual(HttpParseStatus.BodyTooLarge, Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"));
            Assert.AreEqual(HttpParseStatus.Incomplete, Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + max + "\r\n\r\n"));
            Assert.AreEqual(HttpParseStatus.Ok, Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + max + "\r\n\r\n" + new string('x', max)));
        }

        [TestMethod]
        public void Parse_HeadAndBodyTogether_413BeyondTheBuffer()
        {
            // A long head leaves less room for the body: together they must fit one connection's buffer.
            Assert.AreEqual(AdminServer.RequestBufferBytes, HttpRequestParser.MaxRequestBytes);
            string start = "POST / HTTP/1.1\r\nHost: a\r\nX-Pad: ";
            string head = start + new string('p', 1200) + "\r\nContent-Length: ";
            int room = HttpRequestParser.MaxRequestBytes - (head.Length + 4 + 4); // 4 digits, blank line
            Assert.IsTrue(room < HttpRequestParser.MaxBodyBytes && room > 1000, "the test's head leaves " + room.ToString());
            string fits = head + room.ToString() + "\r\n\r\n";
            Assert.AreEqual(HttpParseStatus.Ok, Parse(fits + new string('x', room)));
            Assert.AreEqual(HttpParseStatus.Incomplete, Parse(fits + new string('x', room - 1)));
            Assert.AreEqual(HttpParseStatus.BodyTooLarge, Parse(head + (room + 1).ToString() + "\r\n\r\n"));
        }

        [TestMethod]
        public void Parse_HeadLimit_431BeyondMaxHeaderBytes()
        {
            Assert.AreEqual(2048, HttpRequestParser.MaxHeaderBytes, "the head limit (a phone browser sends about 500-900 bytes)");
            string head = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ";
            int pad = HttpRequestParser.MaxHeaderBytes - head.Length - 4;
            string fits = head + new string('p', pad) + "\r\n\r\n";
            Assert.AreEqual(HttpRequestParser.MaxHeaderBytes, fits.Length);
            Assert.AreEqual(HttpParseStatus.Ok, Parse(fits));
            string tooBig = head + new string('p', pad + 1) + "\r\n\r\n";
            Assert.AreEqual(HttpParseStatus.HeadersTooLarge, Parse(tooBig));

            // Still streaming, but already past the limit: no need to wait for the end.
            Assert.AreEqual(HttpParseStatus.HeadersTooLarge, Parse(head + new string('p', HttpRequestParser.MaxHeaderBytes + 900)));
            Assert.AreEqual(HttpParseStatus.Incomplete, Parse(head + new string('p', HttpRequestParser.MaxHeaderBytes - head.Length - 10)));
        }

        [TestMethod]
        public void Parse_RandomBytes_NeverThrows()
        {
            var random = new TestRandom(5);
            var request = new HttpRequest();
            byte[] seed = Text.Ascii(s_validRequests[2]);
            for (int n = 0; n < 20000; n++)
            {
                byte[] bytes = new byte[seed.Length];
                Array.Copy(seed, bytes, seed.Length);
                int flips = random.Between(1, 5);
                for (int f = 0; f < flips; f++)
                {
                    bytes[random.Below(bytes.Length)] = random.NextByte();
                }

                int length = random.Below(bytes.Length + 1);
                HttpParseStatus status = HttpRequestParser.Parse(bytes, length, request);
                if (!IsDefined(status))
                {
                    Assert.IsTrue(false, "an undefined status: " + (int)status);
                }

                if (status == HttpParseStatus.Ok)
                {
                    Assert.IsTrue(request.BodyOffset + request.BodyLength <= length);
                }
            }
        }

        /// <summary>Enum.IsDefined for <see cref="HttpParseStatus"/> (nanoFramework's mscorlib has no Enum.IsDefined): every member by name.</summary>
        private static bool IsDefined(HttpParseStatus status)
        {
            switch (status)
            {
                case HttpParseStatus.Incomplete:
                case HttpParseStatus.Ok:
                case HttpParseStatus.BadRequest:
                case HttpParseStatus.HeadersTooLarge:
                case HttpParseStatus.BodyTooLarge:
                case HttpParseStatus.UriTooLong:
                case HttpParseStatus.NotImplemented:
                case HttpParseStatus.VersionNotSupported:
                    return true;
                default:
                    return false;
            }
        }
    }
}
