using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoRouter.Hal.Linux;

namespace NanoRouter.E2E.Hostile.Lab
{
    /// <summary>
    /// One <see cref="SmallLab"/> with a running board, shared by the tests of one class: the
    /// class's [ClassInitialize] calls <see cref="Start"/>, its [ClassCleanup] <see cref="Stop"/>.
    /// A lab that failed to start fails every test that asks for it, with the reason.
    /// </summary>
    public sealed class SharedSmallLab
    {
        private SmallLab _lab;
        private string _startError;

        /// <summary>Builds the lab with <paramref name="clients"/> LAN clients and starts its board.</summary>
        public void Start(int clients)
        {
            try
            {
                _lab = SmallLab.Create(clients);
                _lab.StartBoard(TimeSpan.FromSeconds(60), "board.log");
            }
            catch (Exception e)
            {
                _startError = e.ToString();
            }
        }

        /// <summary>Stops the board and removes the lab (its directory is kept if the board died).</summary>
        public void Stop()
        {
            if (_lab != null)
            {
                _lab.Passed = _lab.Board != null && !_lab.Board.HasExited;
                _lab.Dispose();
            }
        }

        /// <summary>The running lab; fails the calling test when it did not start.</summary>
        public SmallLab Lab
        {
            get
            {
                if (_lab == null || _lab.Board == null)
                {
                    Assert.Fail("the lab did not start: " + _startError);
                }

                return _lab;
            }
        }

        /// <summary>Runs a command in a namespace; fails the calling test when it fails.</summary>
        public static void Exec(string ns, params string[] command)
        {
            var result = NamespaceLab.Exec(ns, command);
            Assert.IsTrue(result.Ok, string.Join(" ", command) + " in " + ns + ": " + result.FirstErrorLine);
        }

        /// <summary>The JSON body of an API login.</summary>
        public static string LoginBody(string password) => "{\"password\":\"" + password + "\"}";

        /// <summary>POST /api/login from a namespace (from <paramref name="source"/> when given).</summary>
        public static HttpReply ApiLogin(string ns, string password, string source = null)
        {
            const string Router = NamespaceLab.RouterLanAddress;
            return RawHttp.Send(ns, Router, SmallLab.AdminPort, RawHttp.Request("POST", "/api/login", Router, LoginBody(password), "Content-Type: application/json"), 5000, source);
        }
    }
}
