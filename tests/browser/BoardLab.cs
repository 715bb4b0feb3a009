using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Hal.Linux;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Remote;

namespace NanoRouter.BrowserTests
{
    /// <summary>A process started in a namespace whose stdout and stderr lines are kept.</summary>
    internal sealed class WatchedProcess
    {
        private readonly List<string> _lines = new List<string>();

        public WatchedProcess(string name, Process process)
        {
            Name = name;
            Process = process;
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Name { get; }

        public Process Process { get; }

        public string[] Lines
        {
            get
            {
                lock (_lines)
                {
                    return _lines.ToArray();
                }
            }
        }

        public string Transcript => Name + " (pid " + Process.Id + "):\n  " + string.Join("\n  ", Lines);

        /// <summary>Waits until a line contains <paramref name="text"/>; fails the test if the process ends or time runs out.</summary>
        public void WaitForLine(string text, int timeoutMs)
        {
            long deadline = Environment.TickCount64 + timeoutMs;
            while (true)
            {
                foreach (string line in Lines)
                {
                    if (line.Contains(text))
                    {
                        return;
                    }
                }

                if (Process.HasExited || Environment.TickCount64 > deadline)
                {
                    Process.WaitForExit(500);
                    Assert.Fail(Name + " did not print \"" + text + "\" within " + timeoutMs + " ms (exited: " + Process.HasExited + "):\n" + Transcript);
                }

                Thread.Sleep(50);
            }
        }

        /// <summary>The number of lines that contain every one of <paramref name="parts"/>.</summary>
        public int Count(params string[] parts)
        {
            int count = 0;
            foreach (string line in Lines)
            {
                bool all = true;
                foreach (string part in parts)
                {
                    all &= line.Contains(part);
                }

                if (all)
                {
                    count++;
                }
            }

            return count;
        }

        private void Add(string line)
        {
            if (line != null)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        }
    }

    /// <summary>
    /// The real host board (boards/host, built -c Release) in a namespace lab of its own
    /// (<see cref="NamespaceLab"/>: PREFIX-lan 198.19.4.2 -- PREFIX-rtr 198.19.4.1 | 198.18.0.2 --
    /// PREFIX-wan 198.18.0.1), running `run --lan lan --wan wan --config FILE`; a browser
    /// (chromedriver and chromium) that runs inside the LAN client's namespace and opens
    /// http://198.19.4.1/ like any LAN client; an HTTP client whose sockets live in that
    /// namespace too; and raw ESP peers (tests/browser/esppeer.py, scapy) with a tcpdump capture
    /// on the WAN side. Dispose stops and kills everything it started (by PID, plus every
    /// process left in its namespaces) and removes the namespaces, also when a test failed.
    /// </summary>
    internal sealed class BoardLab : IDisposable
    {
        /// <summary>The admin page's address (the router's LAN address).</summary>
        public const string AdminAddress = NamespaceLab.RouterLanAddress;

        /// <summary>The ESP responder's address on the WAN side.</summary>
        public const string WanServer = NamespaceLab.UpstreamAddress;

        private const int ChromeDriverPort = 9515;
        private static readonly object s_lock = new object();
        private static readonly List<BoardLab> s_live = new List<BoardLab>();
        private static int s_counter;
        private static bool s_hooked;

        private readonly List<WatchedProcess> _processes = new List<WatchedProcess>();
        private NamespaceForwarder _driverForwarder;
        private WebDriver _driver;
        private WatchedProcess _capture;
        private WatchedProcess _lanCapture;
        private WatchedProcess _responder;
        private bool _disposed;

        private BoardLab(NamespaceLab lab, string directory)
        {
            Lab = lab;
            Directory = directory;
        }

        /// <summary>The namespaces.</summary>
        public NamespaceLab Lab { get; }

        /// <summary>A temporary folder for this lab: settings file, browser profile.</summary>
        public string Directory { get; }

        /// <summary>The board's settings file (absent at first: first boot).</summary>
        public string ConfigFile => Path.Combine(Directory, "settings.bin");

        /// <summary>The LAN client's namespace, where the browser runs.</summary>
        public string LanNamespace => Lab.LanNamespaces[0];

        /// <summary>The board process now running (or last run).</summary>
        public WatchedProcess Board { get; private set; }

        /// <summary>Everything every process printed, for assertion messages.</summary>
        public string Transcript
        {
            get
            {
                var parts = new List<string>();
                lock (_processes)
                {
                    foreach (WatchedProcess process in _processes)
                    {
                        parts.Add(process.Transcript);
                    }
                }

                return string.Join("\n", parts);
            }
        }

        /// <summary>The repository root (the folder holding nanoRouter.sln).</summary>
        public static string RepoRoot()
        {
            string dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "nanoRouter.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            Assert.IsNotNull(dir, "nanoRouter.sln not found above the test folder");
            return dir;
        }

        /// <summary>
        /// Builds the namespaces. Their prefix is NR_BROWSER_PREFIX (the stage sets it, so its
        /// exit trap can sweep them even if this process is killed) or "nrb" and the process id.
        /// </summary>
        public static BoardLab Create()
        {
            Assert.IsTrue(HostProcess.IsRoot, "the browser test runs the host board, which needs root");
            lock (s_lock)
            {
                if (!s_hooked)
                {
                    s_hooked = true;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAll();
                }
            }

            string prefix = Environment.GetEnvironmentVariable("NR_BROWSER_PREFIX");
            if (string.IsNullOrEmpty(prefix))
            {
                prefix = "nrb" + Environment.ProcessId.ToString("x");
            }

            prefix += "-" + Interlocked.Increment(ref s_counter);
            string directory = Path.Combine(Path.GetTempPath(), "nr-browser-" + prefix + "-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(directory);
            var lab = new BoardLab(NamespaceLab.Create(prefix, 1), directory);
            lock (s_lock)
            {
                s_live.Add(lab);
            }

            return lab;
        }

        /// <summary>Starts a command in namespace <paramref name="ns"/>; Dispose kills it if it still runs.</summary>
        public WatchedProcess Start(string name, string ns, params string[] command)
        {
            var info = new ProcessStartInfo("ip")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            info.ArgumentList.Add("netns");
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(ns);
            foreach (string part in command)
            {
                info.ArgumentList.Add(part);
            }

            var process = new WatchedProcess(name, Process.Start(info));
            lock (_processes)
            {
                _processes.Add(process);
            }

            return process;
        }

        /// <summary>Starts the board in the router namespace (first boot while the settings file is absent) and waits for "ready".</summary>
        /// <param name="extra">More options for `run` (--admin-password-file F, say).</param>
        public void StartBoard(params string[] extra)
        {
            string dll = Environment.GetEnvironmentVariable("NANOROUTER_HOST_DLL");
            if (string.IsNullOrEmpty(dll))
            {
                dll = Path.Combine(RepoRoot(), "boards", "host", "bin", "Release", "net10.0", "NanoRouter.Host.dll");
            }

            Assert.IsTrue(File.Exists(dll), "the host board is not built (dotnet build boards/host -c Release): " + dll);
            var command = new List<string> { DotNet(), dll, "run", "--lan", NamespaceLab.LanInterface, "--wan", NamespaceLab.WanInterface, "--config", ConfigFile };
            command.AddRange(extra);
            Board = Start("host board", Lab.RouterNamespace, command.ToArray());
            Board.WaitForLine("nanorouter: ready", 60000);
        }

        /// <summary>Sends the board SIGTERM and returns its exit code.</summary>
        public int StopBoard()
        {
            Process process = Board.Process;
            if (!process.HasExited)
            {
                HostProcess.Terminate(process.Id);
            }

            if (!process.WaitForExit(20000))
            {
                process.Kill(true);
                Assert.Fail("the host board did not stop within 20 s of SIGTERM:\n" + Board.Transcript);
            }

            process.WaitForExit();
            return process.ExitCode;
        }

        /// <summary>
        /// Starts chromedriver inside the LAN namespace (so chromium, its child, is a LAN client
        /// with no route anywhere but the lab) and a session through a local forward to it.
        /// </summary>
        public WebDriver StartBrowser()
        {
            Assert.IsTrue(File.Exists("/usr/bin/chromium"), "install chromium (tests/stages/50-browser.apt)");
            Assert.IsTrue(File.Exists("/usr/bin/chromedriver"), "install chromium-driver (tests/stages/50-browser.apt)");
            WatchedProcess chromedriver = Start("chromedriver", LanNamespace, "/usr/bin/chromedriver", "--port=" + ChromeDriverPort);
            chromedriver.WaitForLine("started successfully", 30000);
            _driverForwarder = new NamespaceForwarder(LanNamespace, new IPEndPoint(IPAddress.Loopback, ChromeDriverPort));

            var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
            options.AddArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,1000",
                // Debian's chromium still looks up its search engine, update and account hosts:
                // no name resolves, so it sends nothing but to the admin page's address (and to
                // its own namespace's loopback, where a test serves a page of another origin).
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE " + AdminAddress + ", EXCLUDE 127.0.0.1",
                "--user-data-dir=" + Path.Combine(Directory, "chromium-profile"));
            options.SetLoggingPreference(LogType.Browser, LogLevel.All);
            _driver = new RemoteWebDriver(new Uri("http://127.0.0.1:" + _driverForwarder.Port + "/"), options.ToCapabilities(), TimeSpan.FromSeconds(90));
            _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
            return _driver;
        }

        /// <summary>An HTTP client whose connections are made from the LAN client's namespace.</summary>
        public HttpClient LanHttp()
        {
            string ns = LanNamespace;
            var handler = new SocketsHttpHandler
            {
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = (context, _) =>
                {
                    var target = new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port);
                    return new System.Threading.Tasks.ValueTask<Stream>(new System.Net.Sockets.NetworkStream(NamespaceForwarder.ConnectIn(ns, target), true));
                },
            };
            return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        }

        /// <summary>Starts the ESP responder and a tcpdump of ESP on the WAN side, and waits until both listen.</summary>
        public void StartWanSide()
        {
            _capture = Start("tcpdump (WAN side)", Lab.WanNamespace, "tcpdump", "-i", NamespaceLab.HostInterface, "-n", "-l", "-p", "--immediate-mode", "esp");
            _responder = Start("ESP responder (WAN side)", Lab.WanNamespace, "/usr/bin/python3", EspPeer(), "respond");
            _lanCapture = Start("tcpdump (LAN side, not the admin page)", LanNamespace, "tcpdump", "-i", NamespaceLab.HostInterface, "-n", "-l", "-p", "--immediate-mode", "ip and not host " + AdminAddress + " and not esp and not icmp");
            _lanCapture.WaitForLine("listening on", 30000);
            _capture.WaitForLine("listening on", 30000);
            _responder.WaitForLine("ready", 30000);
        }

        /// <summary>Sends <paramref name="count"/> ESP packets with <paramref name="spi"/> from the LAN client to the WAN server; returns the replies it got.</summary>
        public int SendEsp(uint spi, int count)
        {
            WatchedProcess sender = Start("ESP sender (LAN side)", LanNamespace, "/usr/bin/python3", EspPeer(), "send",
                WanServer, "0x" + spi.ToString("x"), count.ToString(), "1.0");
            if (!sender.Process.WaitForExit(60000))
            {
                Assert.Fail("the ESP sender did not finish:\n" + sender.Transcript);
            }

            sender.Process.WaitForExit();
            Assert.AreEqual(0, sender.Process.ExitCode, sender.Transcript);
            string json = null;
            foreach (string line in sender.Lines)
            {
                if (line.StartsWith("{"))
                {
                    json = line;
                }
            }

            Assert.IsNotNull(json, sender.Transcript);
            JsonElement result = JsonDocument.Parse(json).RootElement;
            Assert.AreEqual(count, result.GetProperty("sent").GetInt32());

            // The capture runs in immediate mode; give it a moment to print the last packets.
            Thread.Sleep(300);
            return result.GetProperty("replies").GetInt32();
        }

        /// <summary>ESP packets with <paramref name="spi"/> that tcpdump saw arrive at the WAN server from <paramref name="source"/>.</summary>
        public int CapturedAtWan(uint spi, string source) =>
            _capture.Count("IP " + source + " > " + WanServer + ": ESP(spi=0x" + spi.ToString("x8") + ",");

        /// <summary>ESP packets with <paramref name="spi"/> that tcpdump saw on the WAN link from any source to the WAN server.</summary>
        public int CapturedAtWan(uint spi) => _capture.Count("> " + WanServer + ": ESP(spi=0x" + spi.ToString("x8") + ",");

        /// <summary>IPv4 packets the LAN client sent or received that were neither admin-page traffic nor ESP nor ICMP (the browser's stray lookups, say).</summary>
        public string[] LanStrayPackets()
        {
            Thread.Sleep(300);
            var stray = new List<string>();
            foreach (string line in _lanCapture.Lines)
            {
                if (line.Length > 0 && char.IsDigit(line[0]))
                {
                    stray.Add(line);
                }
            }

            return stray.ToArray();
        }

        /// <summary>ESP packets with <paramref name="spi"/> the responder received.</summary>
        public int ResponderSaw(uint spi) => _responder.Count("seen ", " " + spi + " ");

        /// <summary>Stops the browser and every process, removes the namespaces and the folder.</summary>
        public void Dispose()
        {
            lock (s_lock)
            {
                s_live.Remove(this);
            }

            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                _driver?.Quit();
            }
            catch (Exception e) when (e is WebDriverException || e is InvalidOperationException)
            {
            }

            _driverForwarder?.Dispose();
            if (Board != null && !Board.Process.HasExited)
            {
                HostProcess.Terminate(Board.Process.Id);
                Board.Process.WaitForExit(15000);
            }

            lock (_processes)
            {
                foreach (WatchedProcess watched in _processes)
                {
                    try
                    {
                        if (!watched.Process.HasExited)
                        {
                            watched.Process.Kill(true);
                            watched.Process.WaitForExit(5000);
                        }
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }
            }

            // Anything still inside these namespaces was started here (chromium's helpers, say).
            foreach (string ns in Lab.Namespaces)
            {
                CommandResult pids = ShellCommand.Run("ip", new[] { "netns", "pids", ns });
                foreach (string text in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(text.Trim(), out int pid) && pid != Environment.ProcessId)
                    {
                        try
                        {
                            using Process left = Process.GetProcessById(pid);
                            left.Kill(true);
                            left.WaitForExit(5000);
                        }
                        catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is System.ComponentModel.Win32Exception)
                        {
                        }
                    }
                }
            }

            Lab.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, true);
            }
            catch (IOException)
            {
            }
        }

        private static string EspPeer() => Path.Combine(RepoRoot(), "tests", "browser", "esppeer.py");

        private static string DotNet()
        {
            string process = Environment.ProcessPath;
            if (process != null && Path.GetFileNameWithoutExtension(process) == "dotnet")
            {
                return process;
            }

            foreach (string candidate in new[] { "/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/bin/dotnet" })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return "dotnet";
        }

        private static void DisposeAll()
        {
            BoardLab[] labs;
            lock (s_lock)
            {
                labs = s_live.ToArray();
            }

            foreach (BoardLab lab in labs)
            {
                lab.Dispose();
            }
        }
    }
}
