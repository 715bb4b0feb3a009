#!/usr/bin/python3
"""Hostile traffic for the end-to-end hostile-input tests (tests/e2e/hostile). One process per
job, started in a lab namespace; it prints JSON lines on stdout (progress, then one final line
with "done": true) and stops at the end of its duration or on SIGTERM. Every address it uses is
one the test passes in (all in 198.18.0.0/15).

  flood --dst A --flows N --duration S [--rate PPS]
      N distinct flows from this host to A: half UDP (source ports 10000..), half TCP SYN (source
      ports 40000..), sent over a raw IPv4 socket; after the first sweep the same flows are sent
      again (so flows the router refused are asked for again) until the duration ends. Prints
      {"event":"sweep",...} after each sweep.
  barrage --iface IF --dst-mac MAC --side lan|wan --src A[,A..] --targets A[,A..] --duration S
          [--rate PPS] [--seed N]
      malformed and hostile IPv4 written as whole Ethernet frames on a packet socket (so bad
      lengths and checksums go out as built): bad total lengths, header lengths, checksums,
      versions and options; truncated or inconsistent TCP/UDP/ICMP headers; ICMP errors quoting
      garbage; overlapping, never-finishing, later-only, tiny and overflowing fragments; GRE
      (v0/v1, every flag), ESP and PPTP garbage; random protocols; broadcast/land/own-address
      sources. Prints counts per kind.
  pptp-garbage --server A --duration S [--seed N]
      real TCP connections to A:1723, one after another, each carrying garbage PPTP control
      messages (bad magic, lengths 0..65535, unknown types, cut short); with the echo server on
      A:1723 they come back, so the router parses them in both directions. Half the connections
      end with RST.
  echo [--udp-port P] [--tcp-ports P,P] [--tcp-idle S]
      UDP and TCP echo server (the peer of churn and pptp-garbage); it closes a TCP connection
      idle for S seconds (default 5).
  idle-tcp --server A --port P --go-file F [--timeout S]
      one TCP connection to A:P (the echo server): sends a line, reads its echo, prints
      {"ready": true, "local_port": N}, then stays idle until the file F exists, sends a second
      line and prints {"done": true, "ok": true|false, ...} (ok: the echo came back in time).
  tcp-spoof --src A --sport P --dst A --ports LO-HI --flags rst|finack [--repeat N] [--rate PPS] [--seed N]
      a blind off-path attacker: TCP segments from A:P (a spoofed server) to every port LO..HI
      of the destination, each with a random sequence (and, for finack, acknowledgment) number,
      N times over, over a raw IPv4 socket. Prints {"done": true, "sent": N, "elapsed": S}.
  frag-flood --src A --dst A --rate PPS --duration S [--seed N]
      later IPv4 fragments that belong to no datagram (random identification, non-zero offset,
      UDP, 64 data bytes, More Fragments clear) from A (this host's own address: no spoofing)
      to the router, at PPS per second, over a raw IPv4 socket.
      Prints {"done": true, "sent": N, "elapsed": S}.
  churn --server A --duration S [--udp-rate R] [--tcp-rate R] [--udp-port P] [--tcp-port P]
      short flows: each UDP flow is a new socket (new source port) sending one datagram and
      waiting for its echo; each TCP flow connects, sends, reads the echo and closes. Prints
      {"event":"churn",...} every 5 s and a final summary.
"""
import argparse
import json
import os
import random
import signal
import socket
import struct
import sys
import threading
import time

STOP = threading.Event()


def on_term(signum, frame):
    STOP.set()


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def aton(a):
    return socket.inet_aton(a)


def checksum(data):
    if len(data) & 1:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def ip4(src, dst, proto, payload, ident=0, frag=0, ttl=64, tos=0, options=b"", total_len=None, csum=None, version=4, ihl=None):
    """An IPv4 packet; every field can be made wrong on purpose."""
    if ihl is None:
        ihl = 5 + (len(options) + 3) // 4
    options = options + b"\0" * ((ihl - 5) * 4 - len(options)) if ihl >= 5 else b""
    if total_len is None:
        total_len = ihl * 4 + len(payload) if ihl >= 5 else 20 + len(payload)
    header = struct.pack("!BBHHHBBH4s4s", (version << 4) | (ihl & 0xF), tos, total_len & 0xFFFF, ident & 0xFFFF,
                         frag & 0xFFFF, ttl, proto & 0xFF, 0, aton(src), aton(dst)) + options
    if csum is None:
        csum = checksum(header)
    header = header[:10] + struct.pack("!H", csum & 0xFFFF) + header[12:]
    return header + payload


def pseudo(src, dst, proto, length):
    return aton(src) + aton(dst) + struct.pack("!BBH", 0, proto, length)


def udp(src, dst, sport, dport, data, length=None, csum=None):
    length_field = 8 + len(data) if length is None else length
    seg = struct.pack("!HHHH", sport, dport, length_field & 0xFFFF, 0) + data
    if csum is None:
        csum = checksum(pseudo(src, dst, 17, len(seg)) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", csum & 0xFFFF) + seg[8:]


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", options=b"", doff=None, csum=None, window=65535):
    if doff is None:
        options = options + b"\0" * ((-len(options)) % 4)
        doff = 5 + len(options) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (doff & 0xF) << 4, flags & 0xFF,
                      window, 0, 0) + options + data
    if csum is None:
        csum = checksum(pseudo(src, dst, 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", csum & 0xFFFF) + seg[18:]


def icmp(kind, code, rest, data):
    msg = struct.pack("!BBH", kind, code, 0) + rest + data
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


# ---------------------------------------------------------------- flood

def flood(args):
    src = args.src
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    packets = []
    half = args.flows // 2
    for i in range(args.flows):
        if i < half:
            sport, dport = 10000 + i, 9000 + (i % 500)
            payload = udp(src, args.dst, sport, dport, b"flood %d" % i)
            packets.append(ip4(src, args.dst, 17, payload, ident=i))
        else:
            j = i - half
            sport, dport = 40000 + j, 80 + (j % 50)
            payload = tcp(src, args.dst, sport, dport, 1000 + j, 0, 0x02, options=b"\x02\x04\x05\xb4")
            packets.append(ip4(src, args.dst, 6, payload, ident=i))
    start = time.monotonic()
    sent = 0
    sweeps = 0
    interval = 1.0 / args.rate if args.rate > 0 else 0.0
    next_send = time.monotonic()
    errors = 0
    while not STOP.is_set():
        for pkt in packets:
            if STOP.is_set():
                break
            if interval:
                now = time.monotonic()
                if now < next_send:
                    time.sleep(next_send - now)
                next_send = max(next_send + interval, time.monotonic() - 0.05)
            try:
                sock.sendto(pkt, (args.dst, 0))
                sent += 1
            except OSError:
                errors += 1
        else:
            sweeps += 1
            emit({"event": "sweep", "sweeps": sweeps, "sent": sent, "elapsed": round(time.monotonic() - start, 3)})
        if time.monotonic() - start >= args.duration:
            break
    emit({"done": True, "flows": args.flows, "sent": sent, "sweeps": sweeps, "errors": errors,
          "elapsed": round(time.monotonic() - start, 3)})


# ---------------------------------------------------------------- barrage

class Ctx:
    def __init__(self, args, rng):
        self.rng = rng
        self.srcs = args.src.split(",")
        self.targets = args.targets.split(",")
        self.side = args.side

    def src(self):
        return self.srcs[0] if self.rng.random() < 0.8 else self.rng.choice(self.srcs)

    def dst(self):
        return self.targets[0] if self.rng.random() < 0.6 else self.rng.choice(self.targets)

    def port(self):
        r = self.rng.random()
        if r < 0.3:
            return self.rng.choice((500, 4500, 1701, 1723, 53, 80, 67, 68, 0, 65535))
        if r < 0.6:
            return 20000 + self.rng.randrange(64)   # a small set, so the two sides meet on mappings
        return self.rng.randrange(65536)

    def blob(self, lo=0, hi=64):
        return bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(lo, hi)))


def g_ip_len_long(c):
    s, d = c.src(), c.dst()
    p = udp(s, d, c.port(), c.port(), c.blob(0, 40))
    return ip4(s, d, 17, p, total_len=20 + len(p) + c.rng.randint(1, 1400))


def g_ip_len_short(c):
    s, d = c.src(), c.dst()
    p = tcp(s, d, c.port(), c.port(), c.rng.getrandbits(32), 0, 0x02, c.blob(0, 40))
    return ip4(s, d, 6, p, total_len=c.rng.randint(0, 20 + len(p) - 1))


def g_ip_ihl_bad(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, c.rng.choice((6, 17, 1, 47, 50)), c.blob(0, 30), ihl=c.rng.choice((0, 1, 4, 6, 15)), options=c.blob(0, 4))


def g_ip_csum_bad(c):
    s, d = c.src(), c.dst()
    p = udp(s, d, c.port(), c.port(), c.blob(0, 40))
    good = ip4(s, d, 17, p)
    return ip4(s, d, 17, p, csum=(struct.unpack("!H", good[10:12])[0] + c.rng.randint(1, 0xFFFE)) & 0xFFFF)


def g_ip_version_bad(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 17, udp(s, d, c.port(), c.port(), c.blob()), version=c.rng.choice((0, 5, 6, 15)))


def g_ip_options_garbage(c):
    s, d = c.src(), c.dst()
    options = c.rng.choice((c.blob(1, 40), b"\x44\x04\x05\x00", b"\x07\x27" + bytes(37), b"\x83\x03\x04", b"\x01" * 3 + b"\xff", b"\x94\x04\x00\x00"))
    proto = c.rng.choice((6, 17, 1))
    if proto == 6:
        p = tcp(s, d, c.port(), c.port(), 1, 0, 0x02)
    elif proto == 17:
        p = udp(s, d, c.port(), c.port(), c.blob())
    else:
        p = icmp(8, 0, struct.pack("!HH", c.rng.getrandbits(16), 1), c.blob())
    return ip4(s, d, proto, p, options=options[:40])


def g_tcp_truncated(c):
    s, d = c.src(), c.dst()
    p = tcp(s, d, c.port(), c.port(), 1, 0, 0x02)
    return ip4(s, d, 6, p[:c.rng.randint(0, 19)])


def g_tcp_doff_bad(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 6, tcp(s, d, c.port(), c.port(), c.rng.getrandbits(32), 0, c.rng.choice((0x02, 0x10, 0x18)), c.blob(0, 20),
                            doff=c.rng.choice((0, 1, 4, 15, 14))))


def g_tcp_csum_bad(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 6, tcp(s, d, c.port(), c.port(), c.rng.getrandbits(32), c.rng.getrandbits(32), c.rng.choice((0x02, 0x12, 0x10, 0x11, 0x04)),
                            c.blob(0, 30), csum=c.rng.getrandbits(16)))


def g_tcp_flags_weird(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 6, tcp(s, d, c.port(), c.port(), c.rng.getrandbits(32), c.rng.getrandbits(32), c.rng.choice((0x00, 0x03, 0x07, 0x3F, 0xFF, 0x29, 0x06)),
                            c.blob(0, 20), window=c.rng.getrandbits(16)))


def g_tcp_options_garbage(c):
    s, d = c.src(), c.dst()
    options = c.rng.choice((b"\x02\x00", b"\x02\x01\x05", b"\x02\xff", b"\x02\x04", b"\x03\x03\xff", b"\x08\x0a" + bytes(8), b"\x01" * 39 + b"\x02", c.blob(1, 40),
                            b"\x02\x04\xff\xff" * 10, b"\x00\x02\x04\x05\xb4"))
    return ip4(s, d, 6, tcp(s, d, c.port(), c.port(), c.rng.getrandbits(32), 0, 0x02, options=options[:40]))


def g_udp_truncated(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 17, udp(s, d, c.port(), c.port(), b"")[:c.rng.randint(0, 7)])


def g_udp_len_bad(c):
    s, d = c.src(), c.dst()
    data = c.blob(0, 40)
    return ip4(s, d, 17, udp(s, d, c.port(), c.port(), data, length=c.rng.choice((0, 1, 7, 8 + len(data) + c.rng.randint(1, 900), 65535))))


def g_udp_csum_bad(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 17, udp(s, d, c.port(), c.port(), c.blob(1, 60), csum=c.rng.getrandbits(16)))


def g_udp_vpn_garbage(c):
    s, d = c.src(), c.dst()
    port = c.rng.choice((500, 4500, 1701))
    data = c.rng.choice((b"\xff", b"\0\0\0\0" + c.blob(0, 40), c.blob(0, 80), b"\0\0\0\0", b"\xc8\x02" + c.blob(0, 30),
                         struct.pack("!HHHH", 0xC802, 12, 0, 0) + c.blob(0, 20), bytes(28)))
    return ip4(s, d, 17, udp(s, d, c.rng.choice((port, c.port())), port, data))


def quoted(c):
    """An IPv4 header (possibly broken or cut short) as an ICMP error would quote it."""
    inner_src = c.rng.choice(c.targets + c.srcs)
    inner_dst = c.rng.choice(c.targets + c.srcs)
    proto = c.rng.choice((6, 17, 1, 47, 50, 99))
    if proto == 6:
        t = tcp(inner_src, inner_dst, c.port(), c.port(), 1, 0, 0x02)
    elif proto == 17:
        t = udp(inner_src, inner_dst, c.port(), c.port(), b"")
    elif proto == 1:
        t = icmp(8, 0, struct.pack("!HH", c.port(), 1), b"")
    elif proto == 47:
        t = struct.pack("!HHHHI", 0x3001, 0x880B, 0, c.rng.getrandbits(16), 1)
    elif proto == 50:
        t = struct.pack("!II", c.rng.getrandbits(32), 1)
    else:
        t = c.blob(0, 8)
    inner = ip4(inner_src, inner_dst, proto, t, ihl=c.rng.choice((5, 5, 5, 0, 4, 15)))
    return inner[:c.rng.choice((len(inner), 20, 24, 27, 8, c.rng.randint(0, len(inner))))]


def g_icmp_truncated(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 1, icmp(c.rng.choice((8, 0, 3, 11)), 0, b"", b"")[:c.rng.randint(0, 7)])


def g_icmp_error_garbage(c):
    s, d = c.src(), c.dst()
    kind, code = c.rng.choice(((3, 3), (3, 1), (3, 4), (11, 0), (12, 0), (5, 1), (4, 0)))
    return ip4(s, d, 1, icmp(kind, code, struct.pack("!I", c.rng.getrandbits(32) if kind == 5 else 0), quoted(c)))


def g_icmp_echo_odd(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 1, icmp(c.rng.choice((8, 0, 13, 15, 17, 42)), c.rng.randrange(256), struct.pack("!HH", c.rng.choice((0, 65535, c.port())), c.rng.getrandbits(16)), c.blob(0, 60)))


def g_frag_overlap(c):
    s, d = c.src(), c.dst()
    ident = c.rng.getrandbits(16)
    body = udp(s, d, c.port(), c.port(), c.blob(24, 64))
    a = ip4(s, d, 17, body[:24], ident=ident, frag=0x2000)
    b = ip4(s, d, 17, body[8:], ident=ident, frag=1)   # offset 8 bytes: overlaps the first
    return [a, b] if c.rng.random() < 0.5 else [b, a]


def g_frag_never_finish(c):
    s, d = c.src(), c.dst()
    ident = c.rng.getrandbits(16)
    body = udp(s, d, c.port(), c.port(), c.blob(16, 48))
    return [ip4(s, d, 17, body[:16], ident=ident, frag=0x2000), ip4(s, d, 17, body[16:24], ident=ident, frag=0x2000 | 2)]


def g_frag_later_only(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, c.rng.choice((17, 6, 47, 50)), c.blob(8, 64), ident=c.rng.getrandbits(16), frag=(0x2000 if c.rng.random() < 0.5 else 0) | c.rng.randint(1, 8000))


def g_frag_tiny(c):
    s, d = c.src(), c.dst()
    ident = c.rng.getrandbits(16)
    body = tcp(s, d, c.port(), c.port(), 1, 0, 0x02, c.blob(0, 16))
    return [ip4(s, d, 6, body[:8], ident=ident, frag=0x2000), ip4(s, d, 6, body[8:], ident=ident, frag=1)]


def g_frag_offset_overflow(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, 17, c.blob(40, 200), ident=c.rng.getrandbits(16), frag=c.rng.choice((0x1FFF, 0x1FFE, 0x1FF0)) | (0x2000 if c.rng.random() < 0.5 else 0))


def g_gre_garbage(c):
    s, d = c.src(), c.dst()
    flags = c.rng.getrandbits(16)
    header = struct.pack("!HH", flags, c.rng.choice((0x0800, 0x880B, 0x6558, c.rng.getrandbits(16))))
    return ip4(s, d, 47, (header + c.blob(0, 40))[:c.rng.randint(0, 44)])


def g_gre_v1_garbage(c):
    s, d = c.src(), c.dst()
    flags = c.rng.choice((0x3001, 0x3081, 0x2001, 0x2081, 0x1001, 0x3000, 0xB001, 0x3005))
    payload = c.blob(0, 40)
    parts = struct.pack("!HHHH", flags, 0x880B, c.rng.choice((len(payload), 0, 65535, len(payload) + 100)), c.rng.getrandbits(16))
    if flags & 0x1000:
        parts += struct.pack("!I", c.rng.getrandbits(32))
    if flags & 0x0080:
        parts += struct.pack("!I", c.rng.getrandbits(32))
    return ip4(s, d, 47, (parts + payload)[:c.rng.randint(4, len(parts) + len(payload))])


def g_esp_garbage(c):
    s, d = c.src(), c.dst()
    spi = c.rng.choice((0, 1, 255, 256, 0xFFFFFFFF, c.rng.getrandbits(32)))
    return ip4(s, d, 50, (struct.pack("!II", spi, c.rng.getrandbits(32)) + c.blob(0, 60))[:c.rng.randint(0, 68)])


def pptp_garbage_message(rng):
    kind = rng.random()
    magic = 0x1A2B3C4D if rng.random() < 0.7 else rng.getrandbits(32)
    mtype = rng.choice((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 16, 255, 65535))
    body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 180)))
    if kind < 0.25:
        length = rng.choice((0, 1, 2, 11, 12, 65535, 156, 168))
    else:
        length = 12 + len(body)
    msg = struct.pack("!HHIHH", length, rng.choice((1, 2, 0, 7)), magic, mtype, 0) + body
    if rng.random() < 0.2:
        msg = msg[:rng.randint(0, len(msg))]
    return msg


def g_pptp_segment_garbage(c):
    s, d = c.src(), c.dst()
    sport, dport = (c.port(), 1723) if c.rng.random() < 0.5 else (1723, c.port())
    return ip4(s, d, 6, tcp(s, d, sport, dport, c.rng.getrandbits(32), c.rng.getrandbits(32), c.rng.choice((0x18, 0x10, 0x02, 0x12, 0x11)),
                            pptp_garbage_message(c.rng)))


def g_proto_random(c):
    s, d = c.src(), c.dst()
    return ip4(s, d, c.rng.choice((0, 2, 4, 41, 51, 58, 89, 103, 112, 132, 136, 253, 255)), c.blob(0, 80))


def g_martian(c):
    s, d = c.src(), c.dst()
    choice = c.rng.randrange(4)
    if choice == 0:
        s = d                                   # land: source = destination
    elif choice == 1:
        d = d.rsplit(".", 1)[0] + ".255"        # subnet broadcast
    elif choice == 2:
        s = s.rsplit(".", 1)[0] + ".0"          # network address as source
    else:
        s = c.rng.choice(c.targets)             # someone else's (or the router's own) address
    return ip4(s, d, c.rng.choice((17, 6, 1)), udp(s, d, c.port(), c.port(), c.blob()), ttl=c.rng.choice((0, 1, 64, 255)))


GENERATORS = [(name[2:], fn) for name, fn in sorted(globals().items()) if name.startswith("g_")]


def pptp_garbage(args):
    """Real TCP connections to SERVER:1723 carrying garbage PPTP control messages."""
    server = args.server
    rng = random.Random(args.seed)
    counts = {"connections": 0, "messages": 0, "echoed_bytes": 0, "connect_failed": 0}
    start = time.monotonic()
    while not STOP.is_set() and time.monotonic() - start < args.duration:
        try:
            conn = socket.create_connection((server, 1723), timeout=2)
        except OSError:
            counts["connect_failed"] += 1
            STOP.wait(0.2)
            continue
        conn.settimeout(0.05)
        counts["connections"] += 1
        try:
            for _ in range(rng.randint(1, 40)):
                if STOP.is_set():
                    break
                conn.sendall(pptp_garbage_message(rng))
                counts["messages"] += 1
                try:
                    counts["echoed_bytes"] += len(conn.recv(65535))
                except socket.timeout:
                    pass
                STOP.wait(0.005)
        except OSError:
            pass
        finally:
            if rng.random() < 0.5:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))   # RST instead of FIN
            conn.close()
    emit(dict(counts, done=True, elapsed=round(time.monotonic() - start, 3)))


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def barrage(args):
    rng = random.Random(args.seed)
    ctx = Ctx(args, rng)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((args.iface, 0))
    with open("/sys/class/net/%s/address" % args.iface) as f:
        own_mac = mac_bytes(f.read().strip())
    ether = mac_bytes(args.dst_mac) + own_mac + b"\x08\x00"
    counts = {}
    start = time.monotonic()
    next_send = start
    interval = 1.0 / args.rate
    sent = 0
    errors = 0
    last_report = start
    while not STOP.is_set() and time.monotonic() - start < args.duration:
        name, fn = rng.choice(GENERATORS)
        out = fn(ctx)
        for pkt in (out if isinstance(out, list) else [out]):
            now = time.monotonic()
            if now < next_send:
                time.sleep(next_send - now)
            next_send = max(next_send + interval, time.monotonic() - 0.05)
            try:
                sock.send(ether + pkt)
                sent += 1
                counts[name] = counts.get(name, 0) + 1
            except OSError:
                errors += 1
        if time.monotonic() - last_report >= 5:
            last_report = time.monotonic()
            emit({"event": "barrage", "sent": sent, "elapsed": round(last_report - start, 1)})
    emit({"done": True, "sent": sent, "errors": errors, "kinds": len(GENERATORS), "counts": counts, "elapsed": round(time.monotonic() - start, 3)})


# ---------------------------------------------------------------- echo and churn

def echo(args):
    udp_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_sock.bind(("0.0.0.0", args.udp_port))
    udp_sock.settimeout(0.2)

    def udp_loop():
        while not STOP.is_set():
            try:
                data, peer = udp_sock.recvfrom(65535)
            except socket.timeout:
                continue
            udp_sock.sendto(data, peer)

    def serve(conn):
        conn.settimeout(args.tcp_idle)
        try:
            while not STOP.is_set():
                data = conn.recv(65535)
                if not data:
                    break
                conn.sendall(data)
        except OSError:
            pass
        finally:
            conn.close()

    def tcp_loop(port):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("0.0.0.0", port))
        listener.listen(64)
        listener.settimeout(0.2)
        while not STOP.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threads = [threading.Thread(target=udp_loop, daemon=True)]
    for port in (int(p) for p in args.tcp_ports.split(",")):
        threads.append(threading.Thread(target=tcp_loop, args=(port,), daemon=True))
    for t in threads:
        t.start()
    emit({"ready": True})
    while not STOP.is_set():
        STOP.wait(0.5)
    emit({"done": True})


def churn(args):
    stats = {"udp_ok": 0, "udp_fail": 0, "tcp_ok": 0, "tcp_fail": 0}
    lock = threading.Lock()

    def count(key):
        with lock:
            stats[key] += 1

    def udp_flows():
        interval = 1.0 / args.udp_rate
        n = 0
        while not STOP.is_set():
            n += 1
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(1.0)
            try:
                msg = b"churn %d" % n
                s.sendto(msg, (args.server, args.udp_port))
                data, _ = s.recvfrom(2048)
                count("udp_ok" if data == msg else "udp_fail")
            except OSError:
                count("udp_fail")
            finally:
                s.close()
            STOP.wait(interval)

    def tcp_flows():
        interval = 1.0 / args.tcp_rate
        n = 0
        while not STOP.is_set():
            n += 1
            try:
                with socket.create_connection((args.server, args.tcp_port), timeout=2) as s:
                    msg = b"churn tcp %d" % n
                    s.sendall(msg)
                    got = b""
                    while len(got) < len(msg):
                        chunk = s.recv(2048)
                        if not chunk:
                            break
                        got += chunk
                    count("tcp_ok" if got == msg else "tcp_fail")
            except OSError:
                count("tcp_fail")
            STOP.wait(interval)

    threads = [threading.Thread(target=udp_flows, daemon=True), threading.Thread(target=tcp_flows, daemon=True)]
    for t in threads:
        t.start()
    start = time.monotonic()
    emit({"ready": True})
    while not STOP.is_set() and time.monotonic() - start < args.duration:
        STOP.wait(5)
        with lock:
            emit(dict(stats, event="churn", elapsed=round(time.monotonic() - start, 1)))
    STOP.set()
    for t in threads:
        t.join(5)
    with lock:
        emit(dict(stats, done=True))


def idle_tcp(args):
    try:
        s = socket.create_connection((args.server, args.port), timeout=5)
        s.settimeout(args.timeout)
        s.sendall(b"first line\n")
        got = s.recv(2048)
    except OSError as e:
        emit({"done": True, "ok": False, "error": "first exchange: %s" % e})
        return
    emit({"ready": True, "local_port": s.getsockname()[1], "first_ok": got == b"first line\n"})
    while not STOP.is_set() and not os.path.exists(args.go_file):
        STOP.wait(0.1)
    start = time.monotonic()
    try:
        s.sendall(b"second line\n")
        got = s.recv(2048)
        emit({"done": True, "ok": got == b"second line\n", "reply": got.decode("ascii", "replace"), "seconds": round(time.monotonic() - start, 3)})
    except OSError as e:
        emit({"done": True, "ok": False, "error": "second exchange: %s" % e, "seconds": round(time.monotonic() - start, 3)})
    finally:
        s.close()


def tcp_spoof(args):
    rng = random.Random(args.seed)
    low, high = (int(x) for x in args.ports.split("-"))
    flags = 0x04 if args.flags == "rst" else 0x11
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    interval = 1.0 / args.rate if args.rate > 0 else 0.0
    start = time.monotonic()
    next_send = start
    sent = 0
    errors = 0
    for _ in range(args.repeat):
        for port in range(low, high + 1):
            if STOP.is_set():
                break
            ack = rng.getrandbits(32) if flags & 0x10 else 0
            segment = tcp(args.src, args.dst, args.sport, port, rng.getrandbits(32), ack, flags)
            try:
                sock.sendto(ip4(args.src, args.dst, 6, segment, ident=sent), (args.dst, 0))
                sent += 1
            except OSError:
                errors += 1
            if interval:
                next_send += interval
                delay = next_send - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
    emit({"done": True, "sent": sent, "errors": errors, "elapsed": round(time.monotonic() - start, 2)})


def frag_flood(args):
    rng = random.Random(args.seed)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    interval = 1.0 / args.rate if args.rate > 0 else 0.0
    start = time.monotonic()
    next_send = start
    sent = 0
    errors = 0
    emit({"ready": True})
    while not STOP.is_set() and time.monotonic() - start < args.duration:
        frag = rng.randint(1, 0x1FFF)  # offset in 8-byte units, More Fragments clear
        packet = ip4(args.src, args.dst, 17, rng.randbytes(64), ident=rng.getrandbits(16), frag=frag)
        try:
            sock.sendto(packet, (args.dst, 0))
            sent += 1
        except OSError:
            errors += 1
        if interval:
            next_send += interval
            delay = next_send - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    emit({"done": True, "sent": sent, "errors": errors, "elapsed": round(time.monotonic() - start, 3)})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("flood")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--flows", type=int, default=5000)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--rate", type=float, default=0)
    p = sub.add_parser("barrage")
    p.add_argument("--iface", default="eth0")
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--side", choices=("lan", "wan"), required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--targets", required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--rate", type=float, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("pptp-garbage")
    p.add_argument("--server", required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("echo")
    p.add_argument("--udp-port", type=int, default=7)
    p.add_argument("--tcp-ports", default="7")
    p.add_argument("--tcp-idle", type=float, default=5)
    p = sub.add_parser("idle-tcp")
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--go-file", required=True)
    p.add_argument("--timeout", type=float, default=5)
    p = sub.add_parser("tcp-spoof")
    p.add_argument("--src", required=True)
    p.add_argument("--sport", type=int, required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--ports", required=True)
    p.add_argument("--flags", choices=("rst", "finack"), default="rst")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("frag-flood")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--rate", type=float, default=1000)
    p.add_argument("--duration", type=float, default=5)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("churn")
    p.add_argument("--server", required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--udp-rate", type=float, default=5)
    p.add_argument("--tcp-rate", type=float, default=5)
    p.add_argument("--udp-port", type=int, default=7)
    p.add_argument("--tcp-port", type=int, default=7)
    args = parser.parse_args()
    {"flood": flood, "barrage": barrage, "pptp-garbage": pptp_garbage, "echo": echo, "churn": churn,
     "idle-tcp": idle_tcp, "tcp-spoof": tcp_spoof, "frag-flood": frag_flood}[args.command](args)


if __name__ == "__main__":
    main()
