using NanoRouter.Core.Common;
using NanoRouter.Core.Config;
using NanoRouter.Tests.Support;

namespace NanoRouter.Tests.Config
{
    /// <summary>Strings to and from <see cref="WifiText"/> (UTF-8, by the tests' own <see cref="Text"/> encoder).</summary>
    internal static class TestText
    {
        public static WifiText Of(string text)
        {
            var value = new WifiText();
            byte[] bytes = Text.Utf8(text);
            if (!value.Set(bytes, 0, bytes.Length))
            {
                throw new System.ArgumentException("longer than a WifiText holds: " + text);
            }

            return value;
        }

        public static void Set(WifiText target, string text)
        {
            target.CopyFrom(Of(text));
        }

        public static string Str(WifiText value)
        {
            return Text.FromUtf8(value.Bytes, 0, value.Length);
        }
    }
}
