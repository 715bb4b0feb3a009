namespace NanoRouter.Core.Admin
{
    /// <summary>
    /// One parsed request. Values are offset/length pairs into the buffer that was parsed
    /// (-1 offset when absent), except the path, which is percent-decoded into
    /// <see cref="Path"/>. One instance is reused for every request; nothing here allocates.
    /// </summary>
    public sealed class HttpRequest
    {
        /// <summary>The longest decoded path accepted.</summary>
        public const int MaxPathBytes = 128;

        /// <summary>The decoded path bytes (the first <see cref="PathLength"/> of them).</summary>
        public readonly byte[] Path = new byte[MaxPathBytes];

        /// <summary>The method.</summary>
        public HttpMethod Method;

        /// <summary>The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.</summary>
        public int MinorVersion;

        /// <summary>How many bytes of <see cref="Path"/> are used.</summary>
        public int PathLength;

        /// <summary>The raw query (after '?'), or -1.</summary>
        public int QueryOffset;

        /// <summary>The raw query's length.</summary>
        public int QueryLength;

        /// <summary>The Host header value, or -1.</summary>
        public int HostOffset;

        /// <summary>The Host header value's length.</summary>
        public int HostLength;

        /// <summary>The Content-Type header value, or -1.</summary>
        public int ContentTypeOffset;

        /// <summary>The Content-Type header value's length.</summary>
        public int ContentTypeLength;

        /// <summary>The Cookie header value, or -1.</summary>
        public int CookieOffset;

        /// <summary>The Cookie header value's length.</summary>
        public int CookieLength;

        /// <summary>The Authorization header value, or -1.</summary>
        public int AuthorizationOffset;

        /// <summary>The Authorization header value's length.</summary>
        public int AuthorizationLength;

        /// <summary>The Origin header value, or -1.</summary>
        public int OriginOffset;

        /// <summary>The Origin header value's length.</summary>
        public int OriginLength;

        /// <summary>The Content-Length, or -1 when there was none.</summary>
        public int ContentLength;

        /// <summary>Where the body starts (just after the blank line).</summary>
        public int BodyOffset;

        /// <summary>The body's length (0 without Content-Length).</summary>
        public int BodyLength;

        /// <summary>A short reason when parsing failed (a constant, safe to send).</summary>
        public string Error;

        /// <summary>Forgets the previous request.</summary>
        public void Reset()
        {
            Method = HttpMethod.None;
            MinorVersion = 0;
            PathLength = 0;
            QueryOffset = -1;
            QueryLength = 0;
            HostOffset = -1;
            HostLength = 0;
            ContentTypeOffset = -1;
            ContentTypeLength = 0;
            CookieOffset = -1;
            CookieLength = 0;
            AuthorizationOffset = -1;
            AuthorizationLength = 0;
            OriginOffset = -1;
            OriginLength = 0;
            ContentLength = -1;
            BodyOffset = 0;
            BodyLength = 0;
            Error = null;
        }

        /// <summary>Whether the decoded path is exactly <paramref name="path"/> (ASCII).</summary>
        public bool PathIs(string path)
        {
            if (path.Length != PathLength)
            {
                return false;
            }

            for (int i = 0; i < PathLength; i++)
            {
                if (Path[i] != path[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether the decoded path starts with <paramref name="prefix"/> (ASCII).</summary>
        public bool PathStartsWith(string prefix)
        {
            if (prefix.Length > PathLength)
            {
                return false;
            }

            for (int i = 0; i < prefix.Length; i++)
            {
                if (Path[i] != prefix[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
