using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NanoRouter.E2E.Vpn.Peers
{
    /// <summary>
    /// The counters one stand-in pppd (peers/pppd_standin.py) wrote to its private /run:
    /// whether LCP opened, and how many LCP echo frames went each way through the tunnel.
    /// </summary>
    public sealed class PppStatus
    {
        public bool Opened;
        public int EchoRequestsSent;
        public int EchoRepliesReceived;
        public int EchoRequestsReceived;
        public int FramesReceived;

        public override string ToString() => "opened=" + Opened + " echoSent=" + EchoRequestsSent + " repliesReceived=" + EchoRepliesReceived + " requestsReceived=" + EchoRequestsReceived + " frames=" + FramesReceived;

        /// <summary>Reads every stand-in's status in a daemon's sandbox run directory.</summary>
        public static IReadOnlyList<PppStatus> ReadAll(string daemonDir)
        {
            var run = Path.Combine(daemonDir, "run");
            if (!Directory.Exists(run))
            {
                return new List<PppStatus>();
            }
            return Directory.GetFiles(run, "nrv-ppp-*.status").Select(Parse).Where(s => s != null).ToList();
        }

        private static PppStatus Parse(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException)
            {
                return null;
            }
            var values = new Dictionary<string, int>();
            foreach (var pair in text.Split(' ', '\n'))
            {
                var kv = pair.Split('=');
                if (kv.Length == 2 && int.TryParse(kv[1], out int v))
                {
                    values[kv[0]] = v;
                }
            }
            values.TryGetValue("opened", out int opened);
            values.TryGetValue("echo_req_sent", out int sent);
            values.TryGetValue("echo_reply_recv", out int replies);
            values.TryGetValue("echo_req_recv", out int requests);
            values.TryGetValue("frames_recv", out int frames);
            return new PppStatus { Opened = opened == 1, EchoRequestsSent = sent, EchoRepliesReceived = replies, EchoRequestsReceived = requests, FramesReceived = frames };
        }
    }
}
