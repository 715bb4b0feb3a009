namespace NanoRouter.Host
{
    /// <summary>The parsed command line. See <see cref="Usage"/>.</summary>
    internal sealed class CommandLine
    {
        /// <summary>Short help, printed by --help.</summary>
        public const string Usage =
            "usage: nanorouter                      build the nr-* lab (nr-lan, nr-rtr, nr-wan) and run the router in it\n" +
            "       nanorouter run --lan IF --wan IF [--config FILE] [--admin-port N]\n" +
            "                      [--admin-password-file FILE] [--queue N] [--no-gso] [--no-native]\n" +
            "                                       run in the current network namespace on existing, addressed interfaces\n" +
            "options (both modes): --config FILE    the settings file\n" +
            "                      --admin-password-file FILE  sets the admin password when none is set yet\n" +
            "                      --no-native      every packet through the managed engine, for comparison (also with\n" +
            "                                       NANOROUTER_NATIVE=0); by default established flows are forwarded in C\n" +
            "                                       (libnrflow.so, the ESP32's flow path). --native is accepted and is the default\n" +
            "run only:             --admin-port N   admin web server port on the LAN address (default 80)\n" +
            "                      --queue N        NFQUEUE queue number (default 0)\n" +
            "                      --no-gso         queue MTU-sized packets only (the kernel segments; slower)\n" +
            "                      --allow-host H[:PORT]  one more Host name for the admin page, on PORT when it\n" +
            "                                       is reached through a forward (the lab passes 127.0.0.1:8080)\n" +
            "must run as root. Ctrl-C or SIGTERM stops it and removes everything it made.";

        /// <summary>True for `run`, false for the lab.</summary>
        public bool RunMode { get; private set; }

        /// <summary>--help was asked for.</summary>
        public bool Help { get; private set; }

        /// <summary>--lan.</summary>
        public string Lan { get; private set; }

        /// <summary>--wan.</summary>
        public string Wan { get; private set; }

        /// <summary>--config.</summary>
        public string ConfigFile { get; private set; }

        /// <summary>--admin-password-file.</summary>
        public string AdminPasswordFile { get; private set; }

        /// <summary>--admin-port.</summary>
        public int AdminPort { get; private set; } = 80;

        /// <summary>--queue.</summary>
        public ushort Queue { get; private set; }

        /// <summary>--no-gso: have the kernel segment GSO/GRO super-packets to the MTU before queueing.</summary>
        public bool NoGso { get; private set; }

        /// <summary>The native flow path (libnrflow.so) forwards established flows in the NFQUEUE loop: the
        /// default. --no-native, or NANOROUTER_NATIVE=0 in the environment, turns it off (every packet through
        /// the managed engine, for comparison); --native after --no-native turns it back on.</summary>
        public bool Native { get; private set; } = true;

        /// <summary>--allow-host: one more Host header name the admin page answers to (the lab passes 127.0.0.1:8080).</summary>
        public string AllowHost { get; private set; }

        /// <summary>The port of --allow-host H:PORT; 0 when none was given (the admin port).</summary>
        public int AllowHostPort { get; private set; }

        /// <summary>--parent-pid (set by the lab for its child): stop when that process is gone.</summary>
        public int ParentPid { get; private set; }

        /// <summary>Parses <paramref name="args"/>; false with a one-line <paramref name="error"/>.</summary>
        public static bool TryParse(string[] args, out CommandLine line, out string error)
        {
            line = new CommandLine();
            string nativeSwitch = System.Environment.GetEnvironmentVariable("NANOROUTER_NATIVE");
            if (!string.IsNullOrEmpty(nativeSwitch) && nativeSwitch != "0" && nativeSwitch != "1")
            {
                error = "NANOROUTER_NATIVE must be 0 (native flow path off) or 1 (on, the default), not '" + nativeSwitch + "'";
                return false;
            }

            line.Native = nativeSwitch != "0";
            error = null;
            int i = 0;
            if (args.Length > 0 && !args[0].StartsWith("-"))
            {
                if (args[0] != "run")
                {
                    error = "unknown command " + args[0] + " (expected run, or no arguments for the lab; see --help)";
                    return false;
                }

                line.RunMode = true;
                i = 1;
            }

            for (; i < args.Length; i++)
            {
                string option = args[i];
                if (option == "--help" || option == "-h")
                {
                    line.Help = true;
                    return true;
                }

                if (option == "--native" || option == "--no-native")
                {
                    line.Native = option == "--native";
                    continue;
                }

                if (option == "--no-gso")
                {
                    if (!line.RunMode)
                    {
                        error = "option --no-gso is for `run` only (see --help)";
                        return false;
                    }

                    line.NoGso = true;
                    continue;
                }

                bool runOnly = option == "--lan" || option == "--wan" || option == "--admin-port" || option == "--queue"
                    || option == "--parent-pid" || option == "--allow-host";
                bool known = runOnly || option == "--config" || option == "--admin-password-file";
                if (!known)
                {
                    error = "unknown option " + option + " (see --help)";
                    return false;
                }

                if (runOnly && !line.RunMode)
                {
                    error = "option " + option + " is for `run` only (see --help)";
                    return false;
                }

                if (i + 1 >= args.Length || args[i + 1].StartsWith("--"))
                {
                    error = "option " + option + " needs a value";
                    return false;
                }

                string value = args[++i];
                switch (option)
                {
                    case "--lan":
                        line.Lan = value;
                        break;
                    case "--wan":
                        line.Wan = value;
                        break;
                    case "--allow-host":
                        int colon = value.LastIndexOf(':');
                        int allowPort = 0;
                        if (colon == 0 || (colon > 0 && (!int.TryParse(value.Substring(colon + 1), out allowPort) || allowPort < 1 || allowPort > 65535)))
                        {
                            error = "--allow-host takes a name and an optional port from 1 to 65535 (H or H:PORT), not " + value;
                            return false;
                        }

                        line.AllowHost = colon < 0 ? value : value.Substring(0, colon);
                        line.AllowHostPort = allowPort;
                        break;
                    case "--config":
                        line.ConfigFile = value;
                        break;
                    case "--admin-password-file":
                        line.AdminPasswordFile = value;
                        break;
                    case "--admin-port":
                        if (!int.TryParse(value, out int port) || port < 1 || port > 65535)
                        {
                            error = "--admin-port must be a number from 1 to 65535, not " + value;
                            return false;
                        }

                        line.AdminPort = port;
                        break;
                    case "--queue":
                        if (!ushort.TryParse(value, out ushort queue))
                        {
                            error = "--queue must be a number from 0 to 65535, not " + value;
                            return false;
                        }

                        line.Queue = queue;
                        break;
                    case "--parent-pid":
                        if (!int.TryParse(value, out int pid) || pid <= 0)
                        {
                            error = "--parent-pid must be a process id, not " + value;
                            return false;
                        }

                        line.ParentPid = pid;
                        break;
                }
            }

            if (line.RunMode && (line.Lan == null || line.Wan == null))
            {
                error = "run needs --lan IF and --wan IF (see --help)";
                return false;
            }

            if (line.RunMode && line.Lan == line.Wan)
            {
                error = "--lan and --wan must be two different interfaces";
                return false;
            }

            return true;
        }
    }
}
