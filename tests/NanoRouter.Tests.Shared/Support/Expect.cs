using System;

namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// Assertions the two test frameworks do not share. MSTest has only the generic
    /// ThrowsException&lt;T&gt; and nanoFramework.TestFramework only ThrowsException(Type, Action); the
    /// shared tests use <see cref="Throws"/>, written once here with try/catch and no generics.
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
    }
}
