using System;
using System.Diagnostics;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace NanoRouter.Tests.Gate
{
    /// <summary>
    /// The in-repo nano gate: tests/NanoGate compiles the portable core and HAL against
    /// nanoFramework.CoreLibrary 1.17.11's mscorlib; this test builds it and then reads its
    /// metadata for generic type or method definitions, which nanoCLR 1.17 cannot run.
    /// </summary>
    [TestClass]
    public class NanoGateTests
    {
        internal static string RepoRoot()
        {
            string dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "nanoRouter.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            Assert.IsNotNull(dir, "nanoRouter.sln not found above the test folder");
            return dir;
        }

        private static string BuildGate()
        {
            string root = RepoRoot();
            string outDir = Path.Combine(Path.GetTempPath(), "nanorouter-gate-" + Environment.ProcessId);
            var psi = new ProcessStartInfo("dotnet", "build \"" + Path.Combine(root, "tests/NanoGate/NanoGate.csproj") + "\" -nologo -v q -clp:NoSummary -o \"" + outDir + "\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (Process p = Process.Start(psi))
            {
                string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.AreEqual(0, p.ExitCode, "the core does not compile against nanoFramework mscorlib:\n" + output);
            }

            return Path.Combine(outDir, "NanoRouter.NanoGate.dll");
        }

        [TestMethod]
        public void Gate_CoreAndHal_CompileAgainstNanoMscorlibWithoutGenerics()
        {
            string dll = BuildGate();
            using (FileStream stream = File.OpenRead(dll))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                string mscorlib = null;
                foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
                {
                    AssemblyReference r = md.GetAssemblyReference(h);
                    Assert.AreEqual("mscorlib", md.GetString(r.Name), "the gate build may reference only mscorlib");
                    mscorlib = r.Version.ToString();
                }

                Assert.AreEqual("1.17.11.0", mscorlib, "the gate build must use nanoFramework's mscorlib 1.17.11");
                Assert.AreEqual(0, md.GetTableRowCount(TableIndex.GenericParam), "generic type or method definitions: " + GenericOwners(md));
                Assert.IsTrue(md.TypeDefinitions.Count > 10, "the gate compiled suspiciously few types");
            }
        }

        private static string GenericOwners(MetadataReader md)
        {
            string names = string.Empty;
            foreach (TypeDefinitionHandle h in md.TypeDefinitions)
            {
                TypeDefinition t = md.GetTypeDefinition(h);
                if (t.GetGenericParameters().Count > 0)
                {
                    names += md.GetString(t.Name) + " ";
                }

                foreach (MethodDefinitionHandle mh in t.GetMethods())
                {
                    MethodDefinition m = md.GetMethodDefinition(mh);
                    if (m.GetGenericParameters().Count > 0)
                    {
                        names += md.GetString(t.Name) + "." + md.GetString(m.Name) + " ";
                    }
                }
            }

            return names;
        }
    }
}
