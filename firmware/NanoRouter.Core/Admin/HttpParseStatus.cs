namespace NanoRouter.Core.Admin
{
    /// <summary>What <see cref="HttpRequestParser.Parse"/> made of the bytes so far.</summary>
    public enum HttpParseStatus : byte
    {
        /// <summary>Valid so far; more bytes are needed.</summary>
        Incomplete = 0,

        /// <summary>A whole, valid request (head and body).</summary>
        Ok = 1,

        /// <summary>Malformed: 400.</summary>
        BadRequest = 2,

        /// <summary>Request line and headers longer than <see cref="HttpRequestParser.MaxHeaderBytes"/>: 431.</summary>
        HeadersTooLarge = 3,

        /// <summary>Content-Length above <see cref="HttpRequestParser.MaxBodyBytes"/>: 413.</summary>
        BodyTooLarge = 4,

        /// <summary>Request target longer than <see cref="HttpRequest.MaxPathBytes"/> once decoded: 414.</summary>
        UriTooLong = 5,

        /// <summary>A method or transfer coding the server does not implement: 501.</summary>
        NotImplemented = 6,

        /// <summary>An HTTP version other than 1.0 and 1.1: 505.</summary>
        VersionNotSupported = 7,
    }
}
