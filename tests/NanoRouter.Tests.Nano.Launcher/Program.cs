using System;
using System.Reflection;
using nanoFramework.TestFramework;

namespace NanoRouter.Tests.Launcher
{
    /// <summary>
    /// Runs every test of the unit-test assembly in nanoCLR and fails loudly. The stock
    /// nanoFramework.UnitTestLauncher lets an exception from GetCustomAttributes (an attribute
    /// argument nanoCLR cannot decode, such as an enum or a byte[] in a [DataRow]) end the whole run
    /// silently: it still prints its usual lines and exits 0 while whole classes never ran. Here
    /// every reflection step is guarded: a class whose attributes, methods or constructor cannot be
    /// had, and a method whose attributes cannot be read, count as failures, with the reason.
    /// <para>
    /// Output: one line per test as the nanoFramework test adapter reads them
    /// ("Test passed,Class.Method.Row,ticks" / "Test failed,Class.Method.Row,message" /
    /// "Test skipped,..."), a line per class ("Class C: N passed, N failed"), then
    /// "N passed, N failed, N classes" and "Done.".
    /// </para>
    /// </summary>
    public static class Program
    {
        /// <summary>The assembly the tests are in: the stock launcher's convention, which both nano test projects (NanoRouter.Tests.Nano, NanoRouter.Tests.Nano.Control) follow.</summary>
        public const string TestAssemblyName = "NFUnitTest";

        private const string TestClassName = "nanoFramework.TestFramework.TestClassAttribute";
        private const string TestMethodName = "nanoFramework.TestFramework.TestMethodAttribute";
        private const string DataRowName = "nanoFramework.TestFramework.DataRowAttribute";
        private const string SetupName = "nanoFramework.TestFramework.SetupAttribute";
        private const string CleanupName = "nanoFramework.TestFramework.CleanupAttribute";

        private static int s_passed;
        private static int s_failed;
        private static int s_skipped;

        public static void Main()
        {
            int classes = Run(TestAssemblyName);
            Console.WriteLine(s_passed + " passed, " + s_failed + " failed, " + classes + " classes" + (s_skipped > 0 ? ", " + s_skipped + " skipped" : string.Empty));
            Console.WriteLine(s_failed == 0 && s_passed > 0 ? "RESULT: PASS" : "RESULT: FAIL");
            Console.WriteLine("Done.");
        }

        /// <summary>Runs the test classes of one assembly; returns how many classes it found.</summary>
        public static int Run(string assemblyName)
        {
            Type[] types;
            try
            {
                types = Assembly.Load(assemblyName).GetTypes();
            }
            catch (Exception e)
            {
                Fail("Test failed," + assemblyName + ",the assembly or its types cannot be loaded: " + Describe(e));
                return 0;
            }

            int classes = 0;
            for (int t = 0; t < types.Length; t++)
            {
                Type type = types[t];
                object[] attributes;
                try
                {
                    if (!type.IsClass)
                    {
                        continue;
                    }

                    attributes = type.GetCustomAttributes(true);
                }
                catch (Exception e)
                {
                    // Not knowing whether it is a test class is not a reason to skip it.
                    classes++;
                    Fail("Test failed," + type.FullName + ",its attributes cannot be read: " + Describe(e));
                    Console.WriteLine("Class " + type.FullName + ": 0 passed, 1 failed");
                    continue;
                }

                if (Find(attributes, TestClassName) < 0)
                {
                    continue;
                }

                classes++;
                RunClass(type);
            }

            return classes;
        }

        private static void RunClass(Type type)
        {
            int passedBefore = s_passed;
            int failedBefore = s_failed;
            string name = type.FullName;
            MethodInfo[] methods = null;
            object instance = null;
            try
            {
                methods = type.GetMethods();
                ConstructorInfo constructor = type.GetConstructor(new Type[0]);
                if (constructor == null)
                {
                    Fail("Test failed," + name + ",no public parameterless constructor");
                }
                else
                {
                    instance = constructor.Invoke(new object[0]);
                }
            }
            catch (Exception e)
            {
                Fail("Test failed," + name + ",its methods or constructor cannot be had: " + Describe(e));
            }

            if (methods != null && instance != null)
            {
                RunMarked(instance, methods, name, SetupName);
                for (int m = 0; m < methods.Length; m++)
                {
                    RunMethod(instance, methods[m], name);
                }

                RunMarked(instance, methods, name, CleanupName);
            }

            Console.WriteLine("Class " + name + ": " + (s_passed - passedBefore) + " passed, " + (s_failed - failedBefore) + " failed");
        }

        private static void RunMethod(object instance, MethodInfo method, string className)
        {
            string name = className + "." + method.Name;
            object[] attributes;
            try
            {
                attributes = method.GetCustomAttributes(true);
            }
            catch (Exception e)
            {
                Fail("Test failed," + name + ",its attributes cannot be read (an attribute argument nanoCLR cannot decode?): " + Describe(e));
                return;
            }

            int rows = 0;
            for (int a = 0; a < attributes.Length; a++)
            {
                if (attributes[a].GetType().FullName == DataRowName)
                {
                    Invoke(instance, method, ((DataRowAttribute)attributes[a]).MethodParameters, name + "." + rows);
                    rows++;
                }
            }

            if (rows == 0 && Find(attributes, TestMethodName) >= 0)
            {
                Invoke(instance, method, null, name + ".0");
            }
        }

        private static void RunMarked(object instance, MethodInfo[] methods, string className, string attributeName)
        {
            for (int m = 0; m < methods.Length; m++)
            {
                object[] attributes;
                try
                {
                    attributes = methods[m].GetCustomAttributes(true);
                }
                catch (Exception)
                {
                    continue; // RunMethod reports it
                }

                if (Find(attributes, attributeName) >= 0)
                {
                    Invoke(instance, methods[m], null, className + "." + methods[m].Name + ".0");
                }
            }
        }

        private static void Invoke(object instance, MethodInfo method, object[] parameters, string name)
        {
            long start = DateTime.UtcNow.Ticks;
            try
            {
                method.Invoke(instance, parameters);
            }
            catch (Exception e)
            {
                Exception cause = e.InnerException != null ? e.InnerException : e;
                if (cause is SkipTestException)
                {
                    s_skipped++;
                    Console.WriteLine("Test skipped," + name + "," + cause.Message);
                    return;
                }

                Fail("Test failed," + name + "," + Describe(cause));
                return;
            }

            s_passed++;
            Console.WriteLine("Test passed," + name + "," + (DateTime.UtcNow.Ticks - start));
        }

        private static int Find(object[] attributes, string fullName)
        {
            for (int i = 0; i < attributes.Length; i++)
            {
                if (attributes[i].GetType().FullName == fullName)
                {
                    return i;
                }
            }

            return -1;
        }

        private static void Fail(string line)
        {
            s_failed++;
            Console.WriteLine(line);
        }

        private static string Describe(Exception e)
        {
            string message = e.Message;
            return e.GetType().Name + (message == null || message.Length == 0 ? string.Empty : ": " + message);
        }
    }
}
