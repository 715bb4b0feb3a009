using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace NanoRouter.Tests.Gate
{
    /// <summary>
    /// The in-repo nano gate. tests/NanoGate compiles the portable core and HAL against
    /// nanoFramework.CoreLibrary 1.17.11's mscorlib in C# 9.0 (the device .nfproj files' language
    /// version); tests/NanoGate.Tests compiles the shared unit tests and the nanoCLR test launcher
    /// against the same mscorlib, the core gate and a declarations-only copy of the
    /// nanoFramework.TestFramework API, in C# 10.0, and also the two halves of the shared set that the
    /// two nanoFramework unit-test projects compile. These tests build them and read their metadata:
    /// no generic type or method definitions (nanoCLR 1.17 cannot run them), no generic
    /// instantiations in the tests, only the allowed references, [DataRow] arguments of the kinds
    /// nanoCLR decodes, no string interpolation in the sources, every test class in a half, and
    /// each half's strings within the 64 KB a nanoFramework assembly holds.
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

        private static readonly Lazy<string> s_gate = new Lazy<string>(BuildGates);

        /// <summary>Builds tests/NanoGate.Tests (and through it tests/NanoGate) once per test run; returns the output folder.</summary>
        private static string BuildGates()
        {
            string root = RepoRoot();
            string outDir = Path.Combine(Path.GetTempPath(), "nanorouter-gate-" + Environment.ProcessId);
            var psi = new ProcessStartInfo("dotnet", "build \"" + Path.Combine(root, "tests/NanoGate.Tests/NanoGate.Tests.csproj") + "\" -nologo -v q -clp:NoSummary -o \"" + outDir + "\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (Process p = Process.Start(psi))
            {
                string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.AreEqual(0, p.ExitCode, "the core, the shared tests or the launcher do not compile against nanoFramework mscorlib:\n" + output);
            }

            return outDir;
        }

        [TestMethod]
        public void Gate_CoreAndHal_CompileAgainstNanoMscorlibWithoutGenerics()
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, "NanoRouter.NanoGate.dll")))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                CollectionAssert.AreEqual(new[] { "mscorlib 1.17.11.0" }, References(md), "the core gate may reference only nanoFramework's mscorlib 1.17.11");
                Assert.AreEqual(0, md.GetTableRowCount(TableIndex.GenericParam), "generic type or method definitions: " + GenericOwners(md));
                Assert.IsTrue(md.TypeDefinitions.Count > 10, "the gate compiled suspiciously few types");
            }
        }

        [TestMethod]
        public void Gate_SharedTestsAndLauncher_CompileAgainstNanoMscorlibWithoutGenerics()
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, "NanoRouter.NanoGate.Tests.dll")))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                CollectionAssert.AreEqual(new[] { "NanoRouter.NanoGate 0.0.0.0", "mscorlib 1.17.11.0" }, References(md), "the test gate may reference only mscorlib 1.17.11 and the core gate");
                Assert.AreEqual(0, md.GetTableRowCount(TableIndex.GenericParam), "generic type or method definitions in the tests: " + GenericOwners(md));
                Assert.AreEqual(0, md.GetTableRowCount(TableIndex.MethodSpec), "generic method instantiations in the tests");
                foreach (TypeSpecificationHandle h in TypeSpecs(md))
                {
                    BlobReader blob = md.GetBlobReader(md.GetTypeSpecification(h).Signature);
                    Assert.AreNotEqual((byte)SignatureTypeCode.GenericTypeInstance, blob.ReadByte(), "a generic type instantiation in the tests");
                }

                int testClasses = 0;
                bool launcher = false;
                var instanceFields = new List<string>();
                foreach (TypeDefinitionHandle h in md.TypeDefinitions)
                {
                    TypeDefinition t = md.GetTypeDefinition(h);
                    launcher |= md.GetString(t.Namespace) == "NanoRouter.Tests.Launcher" && md.GetString(t.Name) == "Program";
                    foreach (CustomAttributeHandle a in t.GetCustomAttributes())
                    {
                        if (AttributeName(md, md.GetCustomAttribute(a)) != "TestClassAttribute")
                        {
                            continue;
                        }

                        testClasses++;

                        // The stock nanoFramework.UnitTestLauncher calls test methods with Invoke(null, ...)
                        // and never makes an instance: an instance field would be a NullReferenceException.
                        foreach (FieldDefinitionHandle fh in t.GetFields())
                        {
                            FieldDefinition field = md.GetFieldDefinition(fh);
                            if ((field.Attributes & System.Reflection.FieldAttributes.Static) == 0)
                            {
                                instanceFields.Add(md.GetString(t.Name) + "." + md.GetString(field.Name));
                            }
                        }
                    }
                }

                Assert.AreEqual(0, instanceFields.Count, "instance fields in test classes (the stock launcher never constructs them): " + string.Join(", ", instanceFields));

                Assert.IsTrue(launcher, "the launcher (tests/NanoRouter.Tests.Nano.Launcher/Program.cs) is in the gate");
                Assert.IsTrue(testClasses >= 39, "the gate compiled suspiciously few test classes: " + testClasses);
            }
        }

        /// <summary>
        /// nanoCLR's attribute parser (CLR_RT_AttributeParser) decodes numbers and strings only: an
        /// enum or an array in a [DataRow] makes GetCustomAttributes throw, and the stock launcher
        /// then stops without a word. The shared tests keep to int, long and string.
        /// </summary>
        [TestMethod]
        public void Gate_SharedTests_DataRowArgumentsAreIntLongOrString()
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, "NanoRouter.NanoGate.Tests.dll")))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                int rows = 0;
                var wrong = new List<string>();
                foreach (CustomAttributeHandle h in md.CustomAttributes)
                {
                    CustomAttribute a = md.GetCustomAttribute(h);
                    if (AttributeName(md, a) != "DataRowAttribute")
                    {
                        continue;
                    }

                    rows++;
                    BlobReader blob = md.GetBlobReader(a.Value);
                    Assert.AreEqual((ushort)1, blob.ReadUInt16(), "custom attribute prolog");
                    int count = blob.ReadInt32();
                    for (int i = 0; i < count; i++)
                    {
                        var type = (SerializationTypeCode)blob.ReadByte();
                        switch (type)
                        {
                            case SerializationTypeCode.Int32:
                                blob.ReadInt32();
                                break;
                            case SerializationTypeCode.Int64:
                                blob.ReadInt64();
                                break;
                            case SerializationTypeCode.String:
                                blob.ReadSerializedString();
                                break;
                            default:
                                wrong.Add(Owner(md, a) + " argument " + i + " is " + type);
                                i = count; // the rest of this blob cannot be walked without decoding that type
                                break;
                        }
                    }
                }

                Assert.AreEqual(0, wrong.Count, "DataRow arguments nanoCLR cannot decode: " + string.Join("; ", wrong));
                Assert.IsTrue(rows > 100, "suspiciously few DataRows: " + rows);
            }
        }

        /// <summary>
        /// nanoCLR 1.17 treats the "constrained." prefix as a no-op (Interpreter.cpp, CEE_CONSTRAINED),
        /// so a virtual call the value type does not override, made on an array element's address,
        /// goes wrong: ToString() on an enum array element (what "text" + sides[i] compiles to)
        /// throws NullReferenceException, GetHashCode() returns garbage and Equals() aborts the CLR.
        /// On a local or a field it works. Neither the core nor the shared tests may compile to
        /// ldelema followed by constrained.
        /// </summary>
        [TestMethod]
        [DataRow("NanoRouter.NanoGate.dll")]
        [DataRow("NanoRouter.NanoGate.Tests.dll")]
        public void Gate_Il_NoConstrainedCallOnAnArrayElement(string assembly)
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, assembly)))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                var found = new List<string>();
                int methods = 0;
                foreach (MethodDefinitionHandle h in md.MethodDefinitions)
                {
                    MethodDefinition m = md.GetMethodDefinition(h);
                    if (m.RelativeVirtualAddress == 0)
                    {
                        continue;
                    }

                    methods++;
                    byte[] il = pe.GetMethodBody(m.RelativeVirtualAddress).GetILBytes();
                    int previous = -1;
                    for (int at = 0; at < il.Length;)
                    {
                        int code = il[at] == 0xFE ? 0xFE00 | il[at + 1] : il[at];
                        if (code == 0xFE16 && previous == 0x8F)
                        {
                            found.Add(md.GetString(md.GetTypeDefinition(m.GetDeclaringType()).Name) + "." + md.GetString(m.Name) + " at IL_" + at.ToString("X4"));
                        }

                        previous = code;
                        at += Il.Size(il, at);
                    }
                }

                Assert.IsTrue(methods > 100, "suspiciously few method bodies: " + methods);
                Assert.AreEqual(0, found.Count, "ldelema + constrained. (call the method on a local copy instead): " + string.Join(", ", found));
            }
        }

        /// <summary>The nanoFramework subset forbids string interpolation in shipped code; the C# compiler would quietly turn it into String.Format.</summary>
        [TestMethod]
        public void Gate_Sources_HaveNoStringInterpolation()
        {
            string root = RepoRoot();
            var found = new List<string>();
            foreach (string folder in new[] { "firmware/NanoRouter.Core", "hal/NanoRouter.Hal", "tests/NanoRouter.Tests.Shared", "tests/NanoRouter.Tests.Nano", "tests/NanoRouter.Tests.Nano.Control", "tests/NanoRouter.Tests.Nano.Vpn", "tests/NanoRouter.Tests.Nano.Forwards", "tests/NanoRouter.Tests.Nano.Launcher" })
            {
                foreach (string file in Directory.GetFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
                {
                    if (file.Contains("/obj/") || file.Contains("/bin/"))
                    {
                        continue;
                    }

                    string[] lines = File.ReadAllLines(file);
                    for (int i = 0; i < lines.Length; i++)
                    {
                        string code = Regex.Replace(lines[i], "//.*$", string.Empty);
                        if (code.Contains("$\"") || code.Contains("$@\"") || code.Contains("@$\""))
                        {
                            found.Add(Path.GetRelativePath(root, file) + ":" + (i + 1));
                        }
                    }
                }
            }

            Assert.AreEqual(0, found.Count, "string interpolation in nano code: " + string.Join(", ", found));
        }

        /// <summary>
        /// The shared set runs in nanoCLR as four assemblies (tests/NanoRouter.Tests.Nano: PacketPath.projitems;
        /// tests/NanoRouter.Tests.Nano.Control: Control.projitems; tests/NanoRouter.Tests.Nano.Vpn:
        /// Vpn.projitems; tests/NanoRouter.Tests.Nano.Forwards: Forwards.projitems). Every shared test
        /// class must be in one of them, and only the helpers' own SupportTests in two (the first two).
        /// </summary>
        [TestMethod]
        public void Gate_NanoHalves_HoldEveryTestClass_OnlySupportTestsInBoth()
        {
            string[] all = TestClasses("NanoRouter.NanoGate.Tests.dll");
            string[] packetPath = TestClasses("NanoRouter.NanoGate.Tests.PacketPath.dll");
            string[] control = TestClasses("NanoRouter.NanoGate.Tests.Control.dll");
            string[] vpn = TestClasses("NanoRouter.NanoGate.Tests.Vpn.dll");
            string[] forwards = TestClasses("NanoRouter.NanoGate.Tests.Forwards.dll");
            var missing = new List<string>();
            foreach (string name in all)
            {
                if (Array.IndexOf(packetPath, name) < 0 && Array.IndexOf(control, name) < 0 && Array.IndexOf(vpn, name) < 0 && Array.IndexOf(forwards, name) < 0)
                {
                    missing.Add(name);
                }
            }

            var both = new List<string>();
            foreach (string name in all)
            {
                int parts = (Array.IndexOf(packetPath, name) >= 0 ? 1 : 0) + (Array.IndexOf(control, name) >= 0 ? 1 : 0) + (Array.IndexOf(vpn, name) >= 0 ? 1 : 0);
                if (parts > 1)
                {
                    both.Add(name);
                }
            }

            Assert.AreEqual(0, missing.Count, "shared test classes in no nanoFramework test project (add their folder to PacketPath.projitems, Control.projitems, Vpn.projitems or Forwards.projitems): " + string.Join(", ", missing));
            CollectionAssert.AreEqual(new[] { "NanoRouter.Tests.Support.SupportTests" }, both.ToArray(), "test classes in more than one part");
            Assert.AreEqual(0, Array.IndexOf(vpn, "NanoRouter.Tests.Support.SupportTests") >= 0 ? 1 : 0, "SupportTests runs in the two halves, not in the third part");
            Assert.AreEqual(0, Array.IndexOf(forwards, "NanoRouter.Tests.Support.SupportTests") >= 0 ? 1 : 0, "SupportTests runs in the two halves, not in the port-forwarding part");
            Assert.AreEqual(all.Length + 1, packetPath.Length + control.Length + vpn.Length + forwards.Length, "the parts hold the whole set's test classes, and nothing else");
            Assert.AreEqual(3, forwards.Length, "the port-forwarding part's test classes");
            Assert.IsTrue(packetPath.Length >= 20 && control.Length >= 10 && vpn.Length >= 1, "parts of " + packetPath.Length + ", " + control.Length + " and " + vpn.Length + " test classes");
        }

        /// <summary>
        /// A nanoFramework assembly keeps its strings (names and literals) in one table addressed by
        /// 16-bit offsets: the metadata processor refuses an assembly whose table passes 65,535 bytes
        /// ("String table overflow ... Can't use so many strings", nanoStringTable.cs), which the whole
        /// shared set does (over 90 KB). Each half must fit. The estimate is an upper bound of what
        /// the metadata processor stores: every distinct name of the assembly's types, namespaces,
        /// fields, methods, type and member references and assembly references, every user string and
        /// every string argument of a custom attribute, each as UTF-8 with its NUL. Checked by hand
        /// against the real metadata processor (v3.0.100): the estimates of 56,203 and 50,890 bytes were
        /// real tables of 54,268 and 48,932.
        /// </summary>
        [TestMethod]
        [DataRow("NanoRouter.NanoGate.Tests.PacketPath.dll")]
        [DataRow("NanoRouter.NanoGate.Tests.Control.dll")]
        [DataRow("NanoRouter.NanoGate.Tests.Vpn.dll")]
        [DataRow("NanoRouter.NanoGate.Tests.Forwards.dll")]
        public void Gate_NanoHalves_StringsFitTheStringTable(string assembly)
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, assembly)))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                int bytes = StringTableEstimate(md);
                Assert.IsTrue(bytes > 20000, "suspiciously few strings: " + bytes);
                Assert.IsTrue(bytes <= ushort.MaxValue, assembly + ": about " + bytes + " bytes of strings, more than a nanoFramework assembly holds (65,535): move test classes to the other half or split a half");
            }
        }

        /// <summary>
        /// The metadata processor addresses a nanoFramework assembly's byte code with 16-bit offsets
        /// and refuses one past 65,535 bytes ("Byte code table overflow ... It's impossible to compile
        /// such a large assembly", nanoByteCodeTable.cs GetMethodId), and its strings the same way.
        /// The whole core is past that (about 69.5 KB of byte code with metadata-processor v3.0.100,
        /// optimized; 88 KB unoptimized), so the device builds it as two assemblies, NanoRouter.Core
        /// and NanoRouter.Control (firmware/NanoRouter.Core/*.projitems). The gate compiles each as
        /// the device does and measures the IL of its method bodies (this build is unoptimized):
        /// the real metadata processor's byte code for the same sources was 0.83 (Core: 50,072 of
        /// 60,489) and 0.79 (Control: 38,372 of 48,338) of it unoptimized, 0.66 and 0.61 optimized.
        /// The check allows 0.9 of it: IL &lt;= 65,535 / 0.9.
        /// </summary>
        [TestMethod]
        [DataRow("NanoRouter.NanoGate.NanoRouter.Hal.dll")]
        [DataRow("NanoRouter.NanoGate.NanoRouter.Core.dll")]
        [DataRow("NanoRouter.NanoGate.NanoRouter.Control.dll")]
        public void Gate_DeviceAssemblies_FitTheByteCodeAndStringTables(string assembly)
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, assembly)))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                int il = IlBytes(pe, md);
                Assert.IsTrue(il > 0, "no method bodies in " + assembly);
                Assert.IsTrue(il <= MaxDeviceIlBytes, assembly + ": " + il + " bytes of IL, about " + (il * 9 / 10) + " of nanoFramework byte code, more than an assembly holds (65,535): move a folder to the other core assembly (NanoRouter.Control.projitems)");
                int strings = StringTableEstimate(md);
                Assert.IsTrue(strings <= ushort.MaxValue, assembly + ": about " + strings + " bytes of strings, more than a nanoFramework assembly holds (65,535)");
            }
        }

        /// <summary>The reason for the two core assemblies, checked: the whole core as one device
        /// assembly would not fit (the same measure as above; it fails if the core ever shrinks
        /// enough to be one again, and then the split can go).</summary>
        [TestMethod]
        public void Gate_WholeCore_DoesNotFitOneDeviceAssembly()
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, "NanoRouter.NanoGate.dll")))
            using (var pe = new PEReader(stream))
            {
                int il = IlBytes(pe, pe.GetMetadataReader());
                Assert.IsTrue(il > MaxDeviceIlBytes, "the whole core (with the HAL) is " + il + " bytes of IL: one device assembly would hold it");
            }
        }

        /// <summary>65,535 bytes of byte code at 0.9 byte per IL byte.</summary>
        private const int MaxDeviceIlBytes = 65535 * 10 / 9;

        private static int IlBytes(PEReader pe, MetadataReader md)
        {
            int bytes = 0;
            foreach (MethodDefinitionHandle h in md.MethodDefinitions)
            {
                MethodDefinition m = md.GetMethodDefinition(h);
                if (m.RelativeVirtualAddress != 0)
                {
                    bytes += pe.GetMethodBody(m.RelativeVirtualAddress).GetILBytes().Length;
                }
            }

            return bytes;
        }

        private static int StringTableEstimate(MetadataReader md)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int bytes = 0;
            void Add(string text)
            {
                if (seen.Add(text))
                {
                    bytes += System.Text.Encoding.UTF8.GetByteCount(text) + 1;
                }
            }

            foreach (TypeDefinitionHandle h in md.TypeDefinitions)
            {
                TypeDefinition t = md.GetTypeDefinition(h);
                Add(md.GetString(t.Name));
                Add(md.GetString(t.Namespace));
                foreach (FieldDefinitionHandle f in t.GetFields())
                {
                    Add(md.GetString(md.GetFieldDefinition(f).Name));
                }

                foreach (MethodDefinitionHandle m in t.GetMethods())
                {
                    Add(md.GetString(md.GetMethodDefinition(m).Name));
                }
            }

            foreach (TypeReferenceHandle h in md.TypeReferences)
            {
                TypeReference t = md.GetTypeReference(h);
                Add(md.GetString(t.Name));
                Add(md.GetString(t.Namespace));
            }

            foreach (MemberReferenceHandle h in md.MemberReferences)
            {
                Add(md.GetString(md.GetMemberReference(h).Name));
            }

            foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
            {
                Add(md.GetString(md.GetAssemblyReference(h).Name));
            }

            int size = md.GetHeapSize(HeapIndex.UserString);
            for (UserStringHandle h = MetadataTokens.UserStringHandle(1); MetadataTokens.GetHeapOffset(h) > 0 && MetadataTokens.GetHeapOffset(h) < size; h = md.GetNextHandle(h))
            {
                Add(md.GetUserString(h));
            }

            foreach (CustomAttributeHandle h in md.CustomAttributes)
            {
                BlobReader blob = md.GetBlobReader(md.GetCustomAttribute(h).Value);
                if (blob.Length < 6 || blob.ReadUInt16() != 1)
                {
                    continue;
                }

                // [DataRow(params object[])]: a count, then tagged values; others are read as far as they go.
                try
                {
                    int count = blob.ReadInt32();
                    for (int i = 0; i < count; i++)
                    {
                        var type = (SerializationTypeCode)blob.ReadByte();
                        if (type == SerializationTypeCode.TaggedObject)
                        {
                            type = (SerializationTypeCode)blob.ReadByte();
                        }

                        if (type == SerializationTypeCode.String)
                        {
                            Add(blob.ReadSerializedString() ?? string.Empty);
                        }
                        else if (type == SerializationTypeCode.Int32)
                        {
                            blob.ReadInt32();
                        }
                        else if (type == SerializationTypeCode.Int64)
                        {
                            blob.ReadInt64();
                        }
                        else
                        {
                            break;
                        }
                    }
                }
                catch (BadImageFormatException)
                {
                }
            }

            return bytes;
        }

        private static string[] TestClasses(string assembly)
        {
            using (FileStream stream = File.OpenRead(Path.Combine(s_gate.Value, assembly)))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                var names = new List<string>();
                foreach (TypeDefinitionHandle h in md.TypeDefinitions)
                {
                    TypeDefinition t = md.GetTypeDefinition(h);
                    foreach (CustomAttributeHandle a in t.GetCustomAttributes())
                    {
                        if (AttributeName(md, md.GetCustomAttribute(a)) == "TestClassAttribute")
                        {
                            names.Add(md.GetString(t.Namespace) + "." + md.GetString(t.Name));
                        }
                    }
                }

                names.Sort(StringComparer.Ordinal);
                return names.ToArray();
            }
        }

        /// <summary>Instruction sizes, from System.Reflection.Emit's opcode table.</summary>
        private static class Il
        {
            private static readonly Dictionary<int, System.Reflection.Emit.OperandType> s_operands = Load();

            private static Dictionary<int, System.Reflection.Emit.OperandType> Load()
            {
                var table = new Dictionary<int, System.Reflection.Emit.OperandType>();
                foreach (System.Reflection.FieldInfo f in typeof(System.Reflection.Emit.OpCodes).GetFields())
                {
                    var op = (System.Reflection.Emit.OpCode)f.GetValue(null);
                    table[(ushort)op.Value] = op.OperandType;
                }

                return table;
            }

            public static int Size(byte[] il, int at)
            {
                bool twoByte = il[at] == 0xFE;
                int code = twoByte ? 0xFE00 | il[at + 1] : il[at];
                int size = twoByte ? 2 : 1;
                switch (s_operands[code])
                {
                    case System.Reflection.Emit.OperandType.InlineNone:
                        return size;
                    case System.Reflection.Emit.OperandType.ShortInlineBrTarget:
                    case System.Reflection.Emit.OperandType.ShortInlineI:
                    case System.Reflection.Emit.OperandType.ShortInlineVar:
                        return size + 1;
                    case System.Reflection.Emit.OperandType.InlineVar:
                        return size + 2;
                    case System.Reflection.Emit.OperandType.InlineI8:
                    case System.Reflection.Emit.OperandType.InlineR:
                        return size + 8;
                    case System.Reflection.Emit.OperandType.InlineSwitch:
                        return size + 4 + (4 * BitConverter.ToInt32(il, at + size));
                    default:
                        return size + 4;
                }
            }
        }

        private static IEnumerable<TypeSpecificationHandle> TypeSpecs(MetadataReader md)
        {
            for (int i = 1; i <= md.GetTableRowCount(TableIndex.TypeSpec); i++)
            {
                yield return MetadataTokens.TypeSpecificationHandle(i);
            }
        }

        private static string[] References(MetadataReader md)
        {
            var names = new List<string>();
            foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
            {
                AssemblyReference r = md.GetAssemblyReference(h);
                names.Add(md.GetString(r.Name) + " " + r.Version);
            }

            names.Sort(StringComparer.Ordinal);
            return names.ToArray();
        }

        private static string AttributeName(MetadataReader md, CustomAttribute a)
        {
            EntityHandle type;
            if (a.Constructor.Kind == HandleKind.MemberReference)
            {
                type = md.GetMemberReference((MemberReferenceHandle)a.Constructor).Parent;
            }
            else
            {
                type = md.GetMethodDefinition((MethodDefinitionHandle)a.Constructor).GetDeclaringType();
            }

            return type.Kind == HandleKind.TypeDefinition
                ? md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)type).Name)
                : type.Kind == HandleKind.TypeReference ? md.GetString(md.GetTypeReference((TypeReferenceHandle)type).Name) : string.Empty;
        }

        private static string Owner(MetadataReader md, CustomAttribute a)
        {
            if (a.Parent.Kind != HandleKind.MethodDefinition)
            {
                return a.Parent.Kind.ToString();
            }

            MethodDefinition m = md.GetMethodDefinition((MethodDefinitionHandle)a.Parent);
            return md.GetString(md.GetTypeDefinition(m.GetDeclaringType()).Name) + "." + md.GetString(m.Name);
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
