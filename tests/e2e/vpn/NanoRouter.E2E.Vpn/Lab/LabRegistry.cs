using System;
using System.Collections.Generic;

namespace NanoRouter.E2E.Vpn.Lab
{
    /// <summary>
    /// Everything the tests started or built that must go away even if a test crashes: processes
    /// and labs are disposed in reverse order when the test process exits (or on Ctrl-C).
    /// </summary>
    public static class LabRegistry
    {
        private static readonly object s_lock = new object();
        private static readonly List<IDisposable> s_items = new List<IDisposable>();
        private static bool s_hooked;

        public static void Add(IDisposable item)
        {
            lock (s_lock)
            {
                s_items.Add(item);
                if (!s_hooked)
                {
                    s_hooked = true;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAll();
                    Console.CancelKeyPress += (_, _) => DisposeAll();
                }
            }
        }

        public static void Remove(IDisposable item)
        {
            lock (s_lock)
            {
                s_items.Remove(item);
            }
        }

        public static void DisposeAll()
        {
            IDisposable[] items;
            lock (s_lock)
            {
                items = s_items.ToArray();
                s_items.Clear();
            }
            for (int i = items.Length - 1; i >= 0; i--)
            {
                try
                {
                    items[i].Dispose();
                }
                catch (Exception)
                {
                }
            }
        }
    }
}
