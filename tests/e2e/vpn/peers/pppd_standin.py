#!/usr/bin/python3
"""A stand-in for pppd, for a kernel without PPP.

It speaks just enough PPP (RFC 1661 LCP, in RFC 1662 asynchronous HDLC framing) on its terminal
to open LCP with the peer and then exchange LCP Echo-Request/Echo-Reply frames a few times a
second, so real L2TP data messages and PPTP GRE packets flow both ways through the tunnel.

Invocations:
  - by xl2tpd (bind-mounted over /usr/sbin/pppd) or pptpd (-e): the terminal is stdin/stdout,
    or a /dev/... path among the arguments; other pppd options are ignored;
  - as a PPTP client: pppd_standin.py --pty "pptp SERVER --nolaunchpppd": like pppd's `pty`
    option, it runs the command on a new pseudo-terminal and speaks PPP to it.
It writes its counters to /run/nrv-ppp-<pid>.status (the sandbox's private /run), rewritten on
every change: "opened=0|1 echo_req_sent=N echo_reply_recv=N echo_req_recv=N frames_recv=N".
"""
import os
import random
import select
import shlex
import signal
import struct
import subprocess
import sys
import time
import tty

FLAG, ESCAPE = 0x7E, 0x7D
PROTO_LCP = 0xC021
CONF_REQ, CONF_ACK, CONF_NAK, CONF_REJ, TERM_REQ, TERM_ACK = 1, 2, 3, 4, 5, 6
ECHO_REQ, ECHO_REPLY = 9, 10
INTERVAL_S = 0.25


def fcs16(data):
    """RFC 1662 section C.2 frame check sequence (computed bitwise)."""
    fcs = 0xFFFF
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs


def frame(protocol, payload):
    body = bytes([0xFF, 0x03]) + struct.pack("!H", protocol) + payload
    fcs = fcs16(body) ^ 0xFFFF
    body += struct.pack("<H", fcs)
    out = bytearray([FLAG])
    for b in body:
        if b < 0x20 or b in (FLAG, ESCAPE):
            out += bytes([ESCAPE, b ^ 0x20])
        else:
            out.append(b)
    out.append(FLAG)
    return bytes(out)


class Deframer:
    def __init__(self):
        self.buf = bytearray()
        self.escaped = False

    def feed(self, data):
        frames = []
        for b in data:
            if b == FLAG:
                if len(self.buf) >= 4 and fcs16(self.buf) == 0xF0B8:
                    frames.append(bytes(self.buf[:-2]))
                self.buf = bytearray()
                self.escaped = False
            elif b == ESCAPE:
                self.escaped = True
            else:
                if self.escaped:
                    b ^= 0x20
                    self.escaped = False
                self.buf.append(b)
        return frames


def parse(frame_bytes):
    """Returns (protocol, payload) of a deframed PPP frame, allowing ACFC and PFC."""
    i = 0
    if frame_bytes[:2] == b"\xff\x03":
        i = 2
    if frame_bytes[i] & 1:
        return frame_bytes[i], frame_bytes[i + 1:]
    return (frame_bytes[i] << 8) | frame_bytes[i + 1], frame_bytes[i + 2:]


class Lcp:
    def __init__(self, fd_out, status_path):
        self.fd_out = fd_out
        self.status_path = status_path
        self.magic = random.getrandbits(32) or 1
        self.ident = 0
        self.we_acked = False
        self.they_acked = False
        self.counts = {"echo_req_sent": 0, "echo_reply_recv": 0, "echo_req_recv": 0, "frames_recv": 0}
        self.write_status()

    @property
    def opened(self):
        return self.we_acked and self.they_acked

    def write_status(self):
        text = "opened=%d %s\n" % (1 if self.opened else 0,
                                   " ".join("%s=%d" % kv for kv in sorted(self.counts.items())))
        tmp = self.status_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.status_path)

    def send(self, code, ident, data):
        payload = struct.pack("!BBH", code, ident, 4 + len(data)) + data
        os.write(self.fd_out, frame(PROTO_LCP, payload))

    def tick(self):
        self.ident = (self.ident + 1) & 0xFF
        if not self.they_acked:
            self.send(CONF_REQ, self.ident, struct.pack("!BBI", 5, 6, self.magic))
        elif self.opened:
            self.send(ECHO_REQ, self.ident, struct.pack("!I", self.magic) + b"nanoRouter-e2e")
            self.counts["echo_req_sent"] += 1
        self.write_status()

    def receive(self, protocol, payload):
        self.counts["frames_recv"] += 1
        if protocol != PROTO_LCP or len(payload) < 4:
            self.write_status()
            return
        code, ident, length = struct.unpack("!BBH", payload[:4])
        data = payload[4:length]
        if code == CONF_REQ:
            self.send(CONF_ACK, ident, data)
            self.we_acked = True
        elif code == CONF_ACK:
            self.they_acked = True
        elif code in (CONF_NAK, CONF_REJ):
            self.magic = random.getrandbits(32) or 1
        elif code == ECHO_REQ:
            self.counts["echo_req_recv"] += 1
            self.send(ECHO_REPLY, ident, struct.pack("!I", self.magic) + data[4:])
        elif code == ECHO_REPLY:
            self.counts["echo_reply_recv"] += 1
        elif code == TERM_REQ:
            self.send(TERM_ACK, ident, b"")
        self.write_status()


def main():
    args = sys.argv[1:]
    child = None
    if args[:1] == ["--pty"]:
        master, slave = os.openpty()
        tty.setraw(slave)
        child = subprocess.Popen(shlex.split(args[1]), stdin=slave, stdout=slave, close_fds=True)
        os.close(slave)
        fd_in = fd_out = master
    else:
        device = next((a for a in args if a.startswith("/dev/")), None)
        if device:
            fd_in = fd_out = os.open(device, os.O_RDWR | os.O_NOCTTY)
        else:
            fd_in, fd_out = 0, 1
        try:
            tty.setraw(fd_in)
        except Exception:
            pass
    status = "/run/nrv-ppp-%d.status" % os.getpid()
    with open("/run/nrv-ppp-%d.args" % os.getpid(), "w") as f:
        f.write(" ".join(sys.argv) + "\n")
    lcp = Lcp(fd_out, status)
    deframer = Deframer()

    def stop(*_):
        if child:
            child.terminate()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    next_tick = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= next_tick:
            lcp.tick()
            next_tick = now + INTERVAL_S
        ready, _, _ = select.select([fd_in], [], [], max(0.0, next_tick - now))
        if ready:
            try:
                data = os.read(fd_in, 4096)
            except OSError:
                data = b""
            if not data:
                stop()
            for f in deframer.feed(data):
                try:
                    protocol, payload = parse(f)
                except IndexError:
                    continue
                lcp.receive(protocol, payload)


if __name__ == "__main__":
    main()
