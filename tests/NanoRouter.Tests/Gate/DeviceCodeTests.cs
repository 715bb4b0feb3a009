using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoRouter.Tests.Gate
{
    /// <summary>
    /// Keeps the device-only code small and its native contract consistent (issue 11): the C# that
    /// only the ESP32 runs (hal/NanoRouter.Hal.Esp32*, firmware/NanoRouter) stays within 400 lines
    /// that are neither blank nor comment, so the logic lives in the tested core; the interop
    /// assembly holds the InternalCall externs and nothing else; and every extern has its body in
    /// nr_interop.cpp under the name nanoFramework's metadata processor generates for it.
    /// </summary>
    [TestClass]
    public class DeviceCodeTests
    {
        public const int MaxDeviceLines = 400;

        private static IEnumerable<string> DeviceSources(string root)
        {
            IEnumerable<string> hal = Directory.GetDirectories(Path.Combine(root, "hal"), "NanoRouter.Hal.Esp32*")
                .SelectMany(d => Directory.GetFiles(d, "*.cs", SearchOption.AllDirectories));
            IEnumerable<string> app = Directory.GetFiles(Path.Combine(root, "firmware", "NanoRouter"), "*.cs", SearchOption.AllDirectories);
            return hal.Concat(app).Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar)
                && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar));
        }

        [TestMethod]
        public void DeviceOnlyCode_AtMost400Lines()
        {
            string root = NanoGateTests.RepoRoot();
            int total = 0;
            string perFile = string.Empty;
            foreach (string file in DeviceSources(root))
            {
                int lines = File.ReadAllLines(file).Count(l => l.Trim().Length > 0 && !l.Trim().StartsWith("//"));
                total += lines;
                perFile += Path.GetRelativePath(root, file) + " " + lines + "\n";
            }

            Assert.IsTrue(total > 100, "suspiciously few device lines: " + total);
            Assert.IsTrue(total <= MaxDeviceLines, total + " device-only lines (at most " + MaxDeviceLines + "):\n" + perFile);
        }

        [TestMethod]
        public void InteropAssembly_HoldsOnlyTheExterns_EachWithItsNativeBody()
        {
            string root = NanoGateTests.RepoRoot();
            string folder = Path.Combine(root, "hal", "NanoRouter.Hal.Esp32.Native");
            string[] sources = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar)).ToArray();
            CollectionAssert.AreEquivalent(new[] { "AssemblyInfo.cs", "NativeShim.cs" }, sources.Select(Path.GetFileName).ToArray());
            string shim = File.ReadAllText(Path.Combine(folder, "NativeShim.cs"));
            string interop = File.ReadAllText(Path.Combine(root, "hal", "NanoRouter.Hal.Esp32", "native", "nr_interop.cpp"));

            // Every member is an extern: "public static extern T Name(args);" and nothing else with a body.
            MatchCollection externs = Regex.Matches(shim, @"public static extern (\w+(?:\[\])?) (\w+)\(([^)]*)\);");
            Assert.IsTrue(externs.Count >= 5, "externs found: " + externs.Count);
            Assert.AreEqual(externs.Count, Regex.Matches(shim, @"\[MethodImpl\(MethodImplOptions\.InternalCall\)\]").Count);
            Assert.AreEqual(1, Regex.Matches(shim, @"\{").Count - 1, "one class, no method bodies");

            foreach (Match m in externs)
            {
                string name = m.Groups[2].Value + "___STATIC__" + Code(m.Groups[1].Value);
                foreach (string parameter in m.Groups[3].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    name += "__" + Code(parameter.Trim().Split(' ')[0]);
                }

                StringAssert.Contains(interop, "HRESULT NativeShim::" + name + "(CLR_RT_StackFrame &stack)", "native body of " + m.Groups[2].Value);
            }

            Assert.AreEqual(externs.Count, Regex.Matches(interop, @"HRESULT NativeShim::\w+\(CLR_RT_StackFrame &stack\)").Count, "no native body without its extern");
            StringAssert.Contains(interop, "typedef Library_NanoRouter_Hal_Esp32_Native_NanoRouter_Hal_Esp32_Native_NativeShim NativeShim;");
        }

        /// <summary>The metadata processor's type codes in native method names (nanoSkeletonGenerator).</summary>
        private static string Code(string type)
        {
            switch (type)
            {
                case "void":
                    return "VOID";
                case "bool":
                    return "BOOLEAN";
                case "int":
                    return "I4";
                case "uint":
                    return "U4";
                case "byte[]":
                    return "SZARRAY_U1";
                case "int[]":
                    return "SZARRAY_I4";
                default:
                    Assert.Fail("no type code for " + type + " here: add it from the generator");
                    return null;
            }
        }
    }
}
