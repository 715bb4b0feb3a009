using System;

namespace NanoRouter.Host
{
    /// <summary>The host board's entry point. Every failure is one line on stderr and a non-zero exit code.</summary>
    public static class Program
    {
        /// <summary>0 on a clean stop, 1 on a runtime error, 2 on a command-line error.</summary>
        public static int Main(string[] args)
        {
            try
            {
                if (!CommandLine.TryParse(args, out CommandLine line, out string error))
                {
                    Log.Error(error);
                    return 2;
                }

                if (line.Help)
                {
                    Console.Out.WriteLine(CommandLine.Usage);
                    return 0;
                }

                return line.RunMode ? new RouterService(line).Run() : new LabRunner(line).Run();
            }
            catch (Exception e)
            {
                // The last line of defence: never a stack trace, always one line.
                Log.Error(e.GetType().Name + ": " + e.Message.Replace('\n', ' '));
                return 1;
            }
        }
    }
}
