using System;

namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// Assertions the two test frameworks do not share. MSTest has only the generic
    /// ThrowsException&lt;T&gt; and nanoFramework.TestFramework only ThrowsException(Type, Action); the
    /// shared tests use <see cref="Throws"/>, written once here with try/catch and no generics.
    /// MSTest's StringAssert.Contains(value, substring) and nanoFramework's Assert.Contains(expected,
    /// value) take their arguments in opposite orders, and nanoCLR's own string search finds nothing
    /// in text with characters above U+FFFF: the shared tests use <see cref="Contains"/> and
    /// <see cref="StartsWith"/>, which search with <see cref="Text"/>.
    /// </summary>
    internal static class Expect
    {
        /// <summary>Requires <paramref name="action"/> to throw exactly <paramref name="exceptionType"/> (not a subclass).</summary>
        public static void Throws(Type exceptionType, Action action, string because)
        {
            Exception thrown = null;
            try
            {
                action();
            }
            catch (Exception e)
            {
                thrown = e;
            }

            Assert.IsNotNull(thrown, because + ": expected " + exceptionType.Name + ", nothing was thrown");
            Assert.IsTrue(thrown.GetType() == exceptionType, because + ": expected " + exceptionType.Name + ", got " + thrown.GetType().Name + " (" + thrown.Message + ")");
        }

        /// <summary>Requires <paramref name="text"/> to contain <paramref name="part"/> (ordinal), as MSTest's StringAssert.Contains(text, part).</summary>
        public static void Contains(string text, string part, string because = "")
        {
            Assert.IsNotNull(text, because + ": expected text containing \"" + part + "\", got null");
            if (!Text.Contains(text, part))
            {
                Assert.IsTrue(false, because + ": expected \"" + part + "\" in: " + text);
            }
        }

        /// <summary>Requires <paramref name="text"/> to start with <paramref name="part"/> (ordinal), as MSTest's StringAssert.StartsWith(text, part).</summary>
        public static void StartsWith(string text, string part, string because = "")
        {
            Assert.IsNotNull(text, because + ": expected text starting with \"" + part + "\", got null");
            if (!Text.StartsWith(text, part))
            {
                Assert.IsTrue(false, because + ": expected to start with \"" + part + "\": " + text);
            }
        }
    }
}
