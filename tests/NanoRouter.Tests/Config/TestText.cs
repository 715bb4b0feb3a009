using System.Text;
using NanoRouter.Core.Config;

namespace NanoRouter.Tests.Config
{
    /// <summary>.NET strings to and from <see cref="WifiText"/> (UTF-8), for host-only tests.</summary>
    internal static class TestText
    {
        public static WifiText Of(string text)
        {
            var value = new WifiText();
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (!value.Set(bytes, 0, bytes.Length))
            {
                throw new System.ArgumentException("longer than a WifiText holds: " + text);
            }

            return value;
        }

        public static void Set(WifiText target, string text) => target.CopyFrom(Of(text));

        public static string Str(WifiText value) => Encoding.UTF8.GetString(value.Bytes, 0, value.Length);
    }
}
