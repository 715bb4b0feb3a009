using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace NanoRouter.Bench
{
    /// <summary>What the instrumented core reports while it runs.</summary>
    public static class Counter
    {
        /// <summary>IL instructions executed in the core.</summary>
        public static long Instructions;

        /// <summary>call, callvirt and newobj instructions executed in the core.</summary>
        public static long Calls;

        /// <summary>newobj of a reference type, newarr and box executed in the core.</summary>
        public static long Allocations;

        /// <summary>How often each call site to code outside the core ran.</summary>
        public static long[] ExternalCalls = new long[4096];

        /// <summary>The call sites that yield the thread (Thread.Sleep), by site number.</summary>
        public static bool[] YieldSites = new bool[4096];

        /// <summary>The most IL run between two yields (or the start or end of the work) since <see cref="Reset"/>.</summary>
        public static long LongestRun;

        private static long s_runStart;

        /// <summary>When set, <see cref="LongestRunMethods"/> tells where the longest run spent its IL.</summary>
        public static bool Profile;

        /// <summary>Per method, the IL of the longest run (with <see cref="Profile"/>).</summary>
        public static long[] LongestRunMethods = new long[8192];

        private static readonly long[] s_runStartMethods = new long[8192];

        /// <summary>IL instructions executed per method of the core (by method number), since <see cref="Reset"/>.</summary>
        public static long[] MethodInstructions = new long[8192];

        /// <summary>Called at the start of every basic block of the core.</summary>
        public static void Block(int instructions, int calls, int allocations, int method)
        {
            Instructions += instructions;
            Calls += calls;
            Allocations += allocations;
            MethodInstructions[method] += instructions;
        }

        /// <summary>Called before every call from the core to a method outside it.</summary>
        public static void External(int site)
        {
            ExternalCalls[site]++;
            if (YieldSites[site])
            {
                EndRun();
                s_runStart = Instructions;
            }
        }

        /// <summary>Ends the current run (the work is done): counts it towards <see cref="LongestRun"/>.</summary>
        public static void EndRun()
        {
            long run = Instructions - s_runStart;
            if (run > LongestRun && Profile)
            {
                for (int m = 0; m < MethodInstructions.Length; m++)
                {
                    LongestRunMethods[m] = MethodInstructions[m] - s_runStartMethods[m];
                }
            }

            LongestRun = Math.Max(LongestRun, run);
            if (Profile)
            {
                Array.Copy(MethodInstructions, s_runStartMethods, MethodInstructions.Length);
            }
        }

        /// <summary>Zeroes everything.</summary>
        public static void Reset()
        {
            Instructions = 0;
            Calls = 0;
            Allocations = 0;
            LongestRun = 0;
            s_runStart = 0;
            Array.Clear(ExternalCalls, 0, ExternalCalls.Length);
            Array.Clear(MethodInstructions, 0, MethodInstructions.Length);
            Array.Clear(s_runStartMethods, 0, s_runStartMethods.Length);
        }
    }

    /// <summary>
    /// Instruments a copy of NanoRouter.Core.dll with Mono.Cecil: every basic block first reports its
    /// instruction, call and allocation counts to <see cref="Counter"/>, and every call out of the
    /// core reports its call site. The inserted code itself is not counted.
    /// </summary>
    public sealed class IlCounter
    {
        private readonly List<MethodReference> _sites = new List<MethodReference>();
        private readonly List<string> _methods = new List<string>();

        /// <summary>The core's methods, by method number.</summary>
        public IReadOnlyList<string> Methods => _methods;

        /// <summary>The methods outside the core, by call-site number.</summary>
        public IReadOnlyList<MethodReference> Sites => _sites;

        /// <summary>Writes the instrumented copy into <paramref name="outputDirectory"/> and returns its path.</summary>
        public string Instrument(string corePath, string outputDirectory)
        {
            var resolver = new DefaultAssemblyResolver();
            resolver.AddSearchDirectory(Path.GetDirectoryName(corePath));
            using (AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(corePath, new ReaderParameters { AssemblyResolver = resolver }))
            {
                ModuleDefinition module = assembly.MainModule;
                MethodReference block = module.ImportReference(typeof(Counter).GetMethod(nameof(Counter.Block)));
                MethodReference external = module.ImportReference(typeof(Counter).GetMethod(nameof(Counter.External)));
                foreach (TypeDefinition type in module.GetTypes())
                {
                    foreach (MethodDefinition method in type.Methods)
                    {
                        if (method.HasBody)
                        {
                            InstrumentMethod(method, block, external, module);
                        }
                    }
                }

                Directory.CreateDirectory(outputDirectory);
                string output = Path.Combine(outputDirectory, Path.GetFileName(corePath));
                assembly.Write(output);
                return output;
            }
        }

        private void InstrumentMethod(MethodDefinition method, MethodReference block, MethodReference external, ModuleDefinition module)
        {
            Mono.Cecil.Cil.MethodBody body = method.Body;
            body.SimplifyMacros();
            IList<Instruction> code = body.Instructions.ToList();
            var leaders = new HashSet<Instruction> { code[0] };
            for (int i = 0; i < code.Count; i++)
            {
                Instruction ins = code[i];
                if (ins.Operand is Instruction target)
                {
                    leaders.Add(target);
                }

                if (ins.Operand is Instruction[] targets)
                {
                    foreach (Instruction t in targets)
                    {
                        leaders.Add(t);
                    }
                }

                FlowControl flow = ins.OpCode.FlowControl;
                if ((flow == FlowControl.Branch || flow == FlowControl.Cond_Branch || flow == FlowControl.Return || flow == FlowControl.Throw) && i + 1 < code.Count)
                {
                    leaders.Add(code[i + 1]);
                }
            }

            foreach (ExceptionHandler h in body.ExceptionHandlers)
            {
                leaders.Add(h.TryStart);
                leaders.Add(h.HandlerStart);
                if (h.FilterStart != null)
                {
                    leaders.Add(h.FilterStart);
                }
            }

            ILProcessor il = body.GetILProcessor();
            _methods.Add(method.DeclaringType.Name + "." + method.Name);
            var replacements = new Dictionary<Instruction, Instruction>();
            for (int i = 0; i < code.Count; i++)
            {
                if (!leaders.Contains(code[i]))
                {
                    continue;
                }

                int count = 0;
                int calls = 0;
                int allocations = 0;
                for (int j = i; j < code.Count && (j == i || !leaders.Contains(code[j])); j++)
                {
                    count++;
                    OpCode op = code[j].OpCode;
                    if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj)
                    {
                        calls++;
                    }

                    if (op == OpCodes.Newarr || op == OpCodes.Box || (op == OpCodes.Newobj && !((MethodReference)code[j].Operand).DeclaringType.IsValueType))
                    {
                        allocations++;
                    }
                }

                Instruction first = il.Create(OpCodes.Ldc_I4, count);
                il.InsertBefore(code[i], first);
                il.InsertBefore(code[i], il.Create(OpCodes.Ldc_I4, calls));
                il.InsertBefore(code[i], il.Create(OpCodes.Ldc_I4, allocations));
                il.InsertBefore(code[i], il.Create(OpCodes.Ldc_I4, _methods.Count - 1));
                il.InsertBefore(code[i], il.Create(OpCodes.Call, block));
                replacements[code[i]] = first;
            }

            // Calls that leave the core report their site just before they run.
            foreach (Instruction ins in code)
            {
                if ((ins.OpCode == OpCodes.Call || ins.OpCode == OpCodes.Callvirt || ins.OpCode == OpCodes.Newobj) && ins.Operand is MethodReference target
                    && target.DeclaringType.Scope != module && !(target.DeclaringType.Scope is ModuleDefinition))
                {
                    int site = _sites.Count;
                    _sites.Add(target);
                    Instruction report = il.Create(OpCodes.Ldc_I4, site);
                    il.InsertBefore(ins, report);
                    il.InsertBefore(ins, il.Create(OpCodes.Call, external));
                    if (!replacements.ContainsKey(ins))
                    {
                        replacements[ins] = report;
                    }
                }
            }

            foreach (Instruction ins in body.Instructions)
            {
                if (ins.Operand is Instruction t && replacements.TryGetValue(t, out Instruction r) && !IsInserted(ins, block, external))
                {
                    ins.Operand = r;
                }
                else if (ins.Operand is Instruction[] ts)
                {
                    for (int k = 0; k < ts.Length; k++)
                    {
                        if (replacements.TryGetValue(ts[k], out Instruction r2))
                        {
                            ts[k] = r2;
                        }
                    }
                }
            }

            foreach (ExceptionHandler h in body.ExceptionHandlers)
            {
                h.TryStart = Map(replacements, h.TryStart);
                h.TryEnd = Map(replacements, h.TryEnd);
                h.HandlerStart = Map(replacements, h.HandlerStart);
                h.HandlerEnd = Map(replacements, h.HandlerEnd);
                h.FilterStart = Map(replacements, h.FilterStart);
            }

            body.OptimizeMacros();
        }

        private static bool IsInserted(Instruction ins, MethodReference block, MethodReference external) => false;

        private static Instruction Map(Dictionary<Instruction, Instruction> replacements, Instruction ins)
        {
            return ins != null && replacements.TryGetValue(ins, out Instruction r) ? r : ins;
        }
    }

    /// <summary>Loads the instrumented core beside the normal HAL and this benchmark assembly.</summary>
    public sealed class InstrumentedContext : AssemblyLoadContext
    {
        private readonly string _corePath;

        /// <summary>Creates the context for an instrumented core.</summary>
        public InstrumentedContext(string corePath)
            : base("instrumented-core", isCollectible: false)
        {
            _corePath = corePath;
        }

        /// <inheritdoc />
        protected override Assembly Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == "NanoRouter.Core")
            {
                return LoadFromAssemblyPath(_corePath);
            }

            return null;
        }
    }
}
