using NanoRouter.Core.Router;

namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// A strict HTTP/1.1 request parser over a byte buffer (RFC 9110/9112). It is re-run on the
    /// whole buffer each time bytes arrive, looks only at complete lines, and so answers
    /// <see cref="HttpParseStatus.Incomplete"/> for every prefix of a valid request. Results are
    /// offset/length pairs into the buffer; nothing allocates and nothing throws. Every index is
    /// checked against the length with the <c>(uint)i &gt;= (uint)length</c> idiom.
    /// Rejected: bare LF, obsolete line folding, whitespace before a header colon, control
    /// characters, bad percent-encoding, duplicate Host/Authorization/Cookie/Origin, differing or
    /// non-numeric Content-Length, Transfer-Encoding (bodies must have a Content-Length).
    /// </summary>
    public static class HttpRequestParser
    {
        /// <summary>The most bytes the request line and headers (with the blank line) may take.</summary>
        public const int MaxHeaderBytes = 2048;

        /// <summary>The largest body accepted.</summary>
        public const int MaxBodyBytes = 1536;

        /// <summary>The most bytes a whole request (head and body) may take: the server's buffer per
        /// connection. A phone's form post is about 1.5 KB; the change-password form at its limits
        /// with a 900-byte head about 2.2 KB.</summary>
        public const int MaxRequestBytes = 2560;

        private const byte ByteCR = (byte)'\r';
        private const byte ByteLF = (byte)'\n';
        private const byte ByteSpace = (byte)' ';
        private const byte ByteTab = (byte)'\t';
        private const byte ByteColon = (byte)':';
        private const byte ByteSlash = (byte)'/';
        private const byte ByteQuestion = (byte)'?';
        private const byte ByteHash = (byte)'#';
        private const byte BytePercent = (byte)'%';
        private const byte ByteDot = (byte)'.';
        private const byte ByteDelete = 0x7F;

        /// <summary>Parses the first <paramref name="length"/> bytes of <paramref name="buffer"/>.</summary>
        public static HttpParseStatus Parse(byte[] buffer, int length, HttpRequest request)
        {
            request.Reset();
            int scanLimit = length < MaxHeaderBytes ? length : MaxHeaderBytes;
            int lineStart = 0;
            bool firstLine = true;
            bool sawContentLength = false;
            bool sawTransferEncoding = false;
            while (true)
            {
                int lf = IndexOf(buffer, lineStart, scanLimit, ByteLF);
                if (lf < 0)
                {
                    if (length < MaxHeaderBytes)
                    {
                        return HttpParseStatus.Incomplete;
                    }

                    // A request line that alone fills the head: its target is what is too long (RFC 9112 3.3).
                    return firstLine && StartsWithMethod(buffer, length)
                        ? Fail(request, HttpParseStatus.UriTooLong, "request target too long")
                        : Fail(request, HttpParseStatus.HeadersTooLarge, "request headers too large");
                }

                if (lf == lineStart || buffer[lf - 1] != ByteCR)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "line not ended by CRLF");
                }

                int lineEnd = lf - 1;
                HttpParseStatus status;
                if (firstLine)
                {
                    status = ParseRequestLine(buffer, lineStart, lineEnd, request);
                    firstLine = false;
                }
                else if (lineEnd == lineStart)
                {
                    // The blank line: the head is complete.
                    int headEnd = lf + 1;
                    return FinishHead(buffer, length, headEnd, sawContentLength, sawTransferEncoding, request);
                }
                else
                {
                    status = ParseHeaderLine(buffer, lineStart, lineEnd, request, ref sawContentLength, ref sawTransferEncoding);
                }

                if (status != HttpParseStatus.Ok)
                {
                    return status;
                }

                lineStart = lf + 1;
            }
        }

        private static HttpParseStatus FinishHead(byte[] buffer, int length, int headEnd, bool sawContentLength, bool sawTransferEncoding, HttpRequest request)
        {
            if (sawTransferEncoding)
            {
                return sawContentLength
                    ? Fail(request, HttpParseStatus.BadRequest, "both Transfer-Encoding and Content-Length")
                    : Fail(request, HttpParseStatus.NotImplemented, "Transfer-Encoding not supported; send Content-Length");
            }

            if (request.MinorVersion == 1 && request.HostOffset < 0)
            {
                return Fail(request, HttpParseStatus.BadRequest, "missing Host header");
            }

            int bodyLength = sawContentLength ? request.ContentLength : 0;
            if (bodyLength > MaxBodyBytes || headEnd + bodyLength > MaxRequestBytes)
            {
                return Fail(request, HttpParseStatus.BodyTooLarge, "request body too large");
            }

            request.BodyOffset = headEnd;
            request.BodyLength = bodyLength;
            if (length - headEnd < bodyLength)
            {
                return HttpParseStatus.Incomplete;
            }

            return HttpParseStatus.Ok;
        }

        /// <summary>Whether the buffer opens with an upper-case token and a space, as a request line does.</summary>
        private static bool StartsWithMethod(byte[] buffer, int length)
        {
            int limit = length < 16 ? length : 16;
            for (int i = 0; i < limit; i++)
            {
                byte b = buffer[i];
                if (b == (byte)' ')
                {
                    return i > 0;
                }

                if (b < (byte)'A' || b > (byte)'Z')
                {
                    return false;
                }
            }

            return false;
        }

        private static HttpParseStatus ParseRequestLine(byte[] buffer, int start, int end, HttpRequest request)
        {
            // method SP request-target SP HTTP-version
            int space1 = IndexOf(buffer, start, end, ByteSpace);
            if (space1 <= start)
            {
                return Fail(request, HttpParseStatus.BadRequest, "malformed request line");
            }

            for (int i = start; i < space1; i++)
            {
                if (!IsTokenChar(buffer[i]))
                {
                    return Fail(request, HttpParseStatus.BadRequest, "malformed method");
                }
            }

            if (Equals(buffer, start, space1 - start, "GET"))
            {
                request.Method = HttpMethod.Get;
            }
            else if (Equals(buffer, start, space1 - start, "HEAD"))
            {
                request.Method = HttpMethod.Head;
            }
            else if (Equals(buffer, start, space1 - start, "POST"))
            {
                request.Method = HttpMethod.Post;
            }
            else if (Equals(buffer, start, space1 - start, "PUT"))
            {
                request.Method = HttpMethod.Put;
            }
            else
            {
                return Fail(request, HttpParseStatus.NotImplemented, "method not implemented");
            }

            int targetStart = space1 + 1;
            int space2 = IndexOf(buffer, targetStart, end, ByteSpace);
            if (space2 <= targetStart)
            {
                return Fail(request, HttpParseStatus.BadRequest, "malformed request line");
            }

            HttpParseStatus status = ParseTarget(buffer, targetStart, space2, request);
            if (status != HttpParseStatus.Ok)
            {
                return status;
            }

            // HTTP-version = "HTTP/" DIGIT "." DIGIT, and nothing after it.
            int version = space2 + 1;
            if (end - version != 8 || !Equals(buffer, version, 5, "HTTP/") || !IsDigit(buffer[version + 5]) || buffer[version + 6] != ByteDot || !IsDigit(buffer[version + 7]))
            {
                return Fail(request, HttpParseStatus.BadRequest, "malformed HTTP version");
            }

            if (buffer[version + 5] != (byte)'1')
            {
                return Fail(request, HttpParseStatus.VersionNotSupported, "HTTP version not supported");
            }

            request.MinorVersion = buffer[version + 7] == (byte)'0' ? 0 : 1;
            return HttpParseStatus.Ok;
        }

        private static HttpParseStatus ParseTarget(byte[] buffer, int start, int end, HttpRequest request)
        {
            // origin-form only: absolute-path [ "?" query ]
            if (buffer[start] != ByteSlash)
            {
                return Fail(request, HttpParseStatus.BadRequest, "request target must start with /");
            }

            int pathEnd = end;
            for (int i = start; i < end; i++)
            {
                byte b = buffer[i];
                if (b <= ByteSpace || b >= ByteDelete || b == ByteHash)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "invalid character in request target");
                }

                if (b == ByteQuestion && pathEnd == end)
                {
                    pathEnd = i;
                }
            }

            if (pathEnd < end)
            {
                request.QueryOffset = pathEnd + 1;
                request.QueryLength = end - pathEnd - 1;
                if (!PercentEncoding.IsValid(buffer, request.QueryOffset, request.QueryLength))
                {
                    return Fail(request, HttpParseStatus.BadRequest, "bad percent-encoding in query");
                }
            }

            if (!PercentEncoding.IsValid(buffer, start, pathEnd - start))
            {
                return Fail(request, HttpParseStatus.BadRequest, "bad percent-encoding in path");
            }

            if (PercentEncoding.DecodedLength(buffer, start, pathEnd - start) > HttpRequest.MaxPathBytes)
            {
                return Fail(request, HttpParseStatus.UriTooLong, "request target too long");
            }

            int decoded = PercentEncoding.Decode(buffer, start, pathEnd - start, request.Path, 0, false);
            for (int i = 0; i < decoded; i++)
            {
                if (request.Path[i] < ByteSpace || request.Path[i] == ByteDelete)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "control character in path");
                }
            }

            request.PathLength = decoded;
            return HttpParseStatus.Ok;
        }

        private static HttpParseStatus ParseHeaderLine(byte[] buffer, int start, int end, HttpRequest request, ref bool sawContentLength, ref bool sawTransferEncoding)
        {
            byte first = buffer[start];
            if (first == ByteSpace || first == ByteTab)
            {
                return Fail(request, HttpParseStatus.BadRequest, "obsolete header line folding");
            }

            int colon = -1;
            for (int i = start; i < end; i++)
            {
                byte b = buffer[i];
                if (b == ByteColon)
                {
                    colon = i;
                    break;
                }

                if (!IsTokenChar(b))
                {
                    return Fail(request, HttpParseStatus.BadRequest, "malformed header name");
                }
            }

            if (colon <= start)
            {
                return Fail(request, HttpParseStatus.BadRequest, "malformed header line");
            }

            int valueStart = colon + 1;
            int valueEnd = end;
            while (valueStart < valueEnd && IsWhitespace(buffer[valueStart]))
            {
                valueStart++;
            }

            while (valueEnd > valueStart && IsWhitespace(buffer[valueEnd - 1]))
            {
                valueEnd--;
            }

            for (int i = valueStart; i < valueEnd; i++)
            {
                byte b = buffer[i];
                if ((b < ByteSpace && b != ByteTab) || b == ByteDelete)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "control character in header value");
                }

                if ((i & 127) == 127)
                {
                    Pace.Spend(Pace.Budget);
                }
            }

            Pace.Spend(8);

            int nameLength = colon - start;
            int valueLength = valueEnd - valueStart;
            if (EqualsIgnoreCase(buffer, start, nameLength, "host"))
            {
                if (request.HostOffset >= 0)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "duplicate Host header");
                }

                request.HostOffset = valueStart;
                request.HostLength = valueLength;
            }
            else if (EqualsIgnoreCase(buffer, start, nameLength, "content-length"))
            {
                int value = ParseContentLength(buffer, valueStart, valueLength);
                if (value == -1)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "malformed Content-Length");
                }

                if (sawContentLength && value != request.ContentLength)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "conflicting Content-Length headers");
                }

                if (value == -2)
                {
                    return Fail(request, HttpParseStatus.BodyTooLarge, "request body too large");
                }

                sawContentLength = true;
                request.ContentLength = value;
            }
            else if (EqualsIgnoreCase(buffer, start, nameLength, "transfer-encoding"))
            {
                sawTransferEncoding = true;
            }
            else if (EqualsIgnoreCase(buffer, start, nameLength, "content-type"))
            {
                if (request.ContentTypeOffset >= 0)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "duplicate Content-Type header");
                }

                request.ContentTypeOffset = valueStart;
                request.ContentTypeLength = valueLength;
            }
            else if (EqualsIgnoreCase(buffer, start, nameLength, "cookie"))
            {
                if (request.CookieOffset >= 0)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "duplicate Cookie header");
                }

                request.CookieOffset = valueStart;
                request.CookieLength = valueLength;
            }
            else if (EqualsIgnoreCase(buffer, start, nameLength, "authorization"))
            {
                if (request.AuthorizationOffset >= 0)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "duplicate Authorization header");
                }

                request.AuthorizationOffset = valueStart;
                request.AuthorizationLength = valueLength;
            }
            else if (EqualsIgnoreCase(buffer, start, nameLength, "origin"))
            {
                if (request.OriginOffset >= 0)
                {
                    return Fail(request, HttpParseStatus.BadRequest, "duplicate Origin header");
                }

                request.OriginOffset = valueStart;
                request.OriginLength = valueLength;
            }

            return HttpParseStatus.Ok;
        }

        /// <returns>The value; -1 when malformed; -2 when larger than any body accepted.</returns>
        private static int ParseContentLength(byte[] buffer, int offset, int length)
        {
            if (length == 0)
            {
                return -1;
            }

            int value = 0;
            bool tooLarge = false;
            for (int i = offset; i < offset + length; i++)
            {
                if (!IsDigit(buffer[i]))
                {
                    return -1;
                }

                if (!tooLarge)
                {
                    value = value * 10 + (buffer[i] - '0');
                    if (value > MaxBodyBytes * 1000)
                    {
                        tooLarge = true;
                    }
                }
            }

            return tooLarge ? -2 : value;
        }

        private static HttpParseStatus Fail(HttpRequest request, HttpParseStatus status, string reason)
        {
            request.Error = reason;
            return status;
        }

        private static int IndexOf(byte[] buffer, int start, int end, byte value)
        {
            if (end > buffer.Length)
            {
                end = buffer.Length;
            }

            // A slice at a time: the line is scanned again by the caller, so a long header line
            // lets other threads in every few thousand IL (Pace).
            for (int slice = start; slice < end; slice += Pace.Budget)
            {
                int stop = end - slice < Pace.Budget ? end : slice + Pace.Budget;
                for (int i = slice; i < stop; i++)
                {
                    if (buffer[i] == value)
                    {
                        Pace.Spend(2 * (i - slice + 1));
                        return i;
                    }
                }

                Pace.Spend(2 * (stop - slice));
            }

            return -1;
        }

        private static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';

        private static bool IsWhitespace(byte b) => b == ByteSpace || b == ByteTab;

        /// <summary>RFC 9110 tchar.</summary>
        private static bool IsTokenChar(byte b)
        {
            if ((b >= (byte)'a' && b <= (byte)'z') || (b >= (byte)'A' && b <= (byte)'Z') || IsDigit(b))
            {
                return true;
            }

            switch (b)
            {
                case (byte)'!':
                case (byte)'#':
                case (byte)'$':
                case (byte)'%':
                case (byte)'&':
                case (byte)'\'':
                case (byte)'*':
                case (byte)'+':
                case (byte)'-':
                case (byte)'.':
                case (byte)'^':
                case (byte)'_':
                case (byte)'`':
                case (byte)'|':
                case (byte)'~':
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Whether <paramref name="length"/> bytes at <paramref name="offset"/> equal an ASCII string exactly.</summary>
        public static bool Equals(byte[] buffer, int offset, int length, string text)
        {
            if (length != text.Length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if ((uint)(offset + i) >= (uint)buffer.Length || buffer[offset + i] != text[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Like <see cref="Equals(byte[], int, int, string)"/>, ignoring ASCII case;
        /// <paramref name="lowerText"/> must be lowercase.</summary>
        public static bool EqualsIgnoreCase(byte[] buffer, int offset, int length, string lowerText)
        {
            if (length != lowerText.Length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if ((uint)(offset + i) >= (uint)buffer.Length)
                {
                    return false;
                }

                byte b = buffer[offset + i];
                if (b >= (byte)'A' && b <= (byte)'Z')
                {
                    b = (byte)(b + 32);
                }

                if (b != lowerText[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
