namespace NanoRouter.Core.Admin
{
    /// <summary>The request methods the admin server understands; anything else is answered 501.</summary>
    public enum HttpMethod : byte
    {
        /// <summary>Not parsed (yet).</summary>
        None = 0,

        /// <summary>GET.</summary>
        Get = 1,

        /// <summary>HEAD: like GET, without the body.</summary>
        Head = 2,

        /// <summary>POST: forms and the login call.</summary>
        Post = 3,

        /// <summary>PUT: the JSON API's updates.</summary>
        Put = 4,
    }
}
