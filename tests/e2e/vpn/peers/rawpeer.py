#!/usr/bin/python3
"""Raw-protocol peer for the end-to-end VPN tests: one long-running agent per network namespace,
driven by JSON commands on stdin (one per line), answering one JSON object per line on stdout.

Packets are built and parsed with scapy and sent over raw sockets owned by this process, so the
kernel (which has no ESP or GRE here) only carries them. Commands:

  LAN side (clients)
    {"op":"esp","server":A,"spi":S,"tag":T,"count":N,"interval":s,"wait":s}
        sends N ESP packets (SPI S, payload "T <seq>") to A; the responder answers with SPI
        reply_spi(S); returns {"sent","own","foreign","first_foreign"}: "own" counts replies
        with SPI reply_spi(S) whose payload starts with T, "foreign" every other ESP received.
    {"op":"gre","server":A,"key":K|null,"reply_key":R,"tag":T,...}   the same with GRE version 0
        (key K); "own" replies carry key R (default K: the responder's reply key, see gre_keys).
    {"op":"udp","server":A,"sport":P,"dport":Q,"tag":T,...}  the same with UDP P -> Q.
    {"op":"pptp_call","server":A,"call_id":C,"tag":T,"count":N}
        a minimal PPTP client (RFC 2637) on a real TCP connection: Start-Control-Connection,
        Outgoing-Call-Request with call ID C, then N GRE v1 packets carrying PPP LCP
        Echo-Requests (data T) to the server's call ID; returns {"ocrp_peer_call_id",
        "server_call_id","own","foreign","other_gre","first_foreign"}: "own" counts Echo-Replies
        with data T in GRE v1 for call ID C, "foreign" Echo-Replies with other data.
    {"op":"sniff_start"} / {"op":"sniff_stop"}
        counts every IPv4 packet arriving on eth0 whose source is outside this host's subnet
        and that is not ARP; returns {"count","first":[summaries],"icmp":[...]}, where "icmp"
        lists each ICMP destination-unreachable (type 3) seen with its quoted header decoded
        (see icmp_error_details).
    {"op":"udp_listen","sport":P}   binds a UDP socket on port P that stays open and records
        every datagram it receives; {"op":"udp_send","sport":P,"server":A,"dport":Q,"data":T}
        sends T from it; {"op":"udp_received","sport":P} returns {"datagrams":[[src,sport,
        length,sha256,head]...]} (the kernel reassembles fragments before the socket sees them).
    {"op":"pmtu_probe","kind":"udp"|"esp","server":A,"sport":P,"dport":Q,"spi":S,"size":N,
     "wait":s}
        path MTU discovery as a real application meets it: a socket with IP_PMTUDISC_DO (DF
        set, no local fragmentation), connected to A (UDP from port P, or raw ESP with SPI S
        bound to this host's address), sends one packet of N bytes (IP total length), waits,
        then sends the same size again; returns {"first_send","second_send" ("ok" or the errno
        name: EMSGSIZE once the kernel learned a smaller path MTU),"ip_mtu" (IP_MTU of the
        socket),"errqueue":[[origin,type,code,info]...]} (UDP only, from IP_RECVERR).
  Either side
    {"op":"frag_send","datagrams":[{"src","dst","sport","dport","id","size",
     "tag"}...],"fragsize":F,"order":[[d,i]...]}
        builds each UDP datagram (payload of `size` bytes made from its tag, see payload_of),
        fragments it (RFC 791, F payload bytes per fragment) and sends the fragments on a raw
        socket (IP_HDRINCL) in the given order of (datagram, fragment) pairs; "order":"reverse"
        sends each datagram's fragments last first. Returns {"sent","fragments":[per datagram],
        "sha256":[per datagram payload]}.
  WAN side (responder, started with --respond)
    echoes ESP (SPI S -> reply_spi(S)), GRE v0 (same key, unless gre_keys maps it) and UDP on
    ports 500, 4500, 1701,
    and remembers what it saw: {"op":"seen"} returns {"esp":[[src,spi]...],"gre":[[src,key]...],
    "udp":[[src,sport,dport]...],"udp_data":[[src,sport,dport,length,sha256,head]...]}.
    {"op":"send","dst":A,"proto":"esp"|"gre"|"udp"|"tcp_syn","spi":S,"key":K,"dport":P,"count":N}
        sends unsolicited packets.
    {"op":"gre_keys","map":[[K,R]...]}   from now on answers GRE with key K using key R (a
        tunnel whose keys differ per direction, RFC 2890: Linux "ikey"/"okey").
"""
import errno
import hashlib
import ipaddress
import json
import socket
import struct
import sys
import threading
import time

from scapy.layers.inet import IP, TCP, UDP, fragment
from scapy.layers.ipsec import ESP
from scapy.layers.l2 import GRE
from scapy.packet import Raw

ETH_P_IP = 0x0800
UDP_PORTS = (500, 4500, 1701)


def reply_spi(spi):
    """The SPI a responder uses towards a client that sent SPI `spi` (a real IPsec SA pair
    uses a different SPI in each direction)."""
    return (spi + 0x01000000) & 0xFFFFFFFF


def raw_socket(proto):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    s.settimeout(0.05)
    return s


def ip_payload(data):
    """Parses a datagram received on a raw IPv4 socket (IP header included)."""
    pkt = IP(data)
    return pkt


class Responder:
    def __init__(self):
        self.lock = threading.Lock()
        self.seen = {"esp": [], "gre": [], "udp": [], "udp_data": []}
        self.gre_keys = {}
        self.esp = raw_socket(socket.IPPROTO_ESP)
        self.gre = raw_socket(47)
        self.udp = []
        for port in UDP_PORTS:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port))
            s.settimeout(0.05)
            self.udp.append((port, s))
        for target in (self.loop_esp, self.loop_gre, self.loop_udp):
            threading.Thread(target=target, daemon=True).start()

    def loop_esp(self):
        while True:
            try:
                data, (src, _) = self.esp.recvfrom(65535)
            except socket.timeout:
                continue
            pkt = IP(data)
            if ESP not in pkt:
                continue
            esp = pkt[ESP]
            with self.lock:
                self.seen["esp"].append([src, esp.spi])
            out = ESP(spi=reply_spi(esp.spi), seq=esp.seq, data=bytes(esp.data))
            self.esp.sendto(bytes(out), (src, 0))

    def loop_gre(self):
        while True:
            try:
                data, (src, _) = self.gre.recvfrom(65535)
            except socket.timeout:
                continue
            pkt = IP(data)
            if GRE not in pkt or pkt[GRE].version != 0:
                continue
            gre = pkt[GRE]
            key = gre.key if gre.key_present else None
            with self.lock:
                self.seen["gre"].append([src, key])
                reply_key = self.gre_keys.get(key, key)
            out = GRE(key_present=gre.key_present, key=reply_key or 0, proto=gre.proto) / Raw(bytes(gre.payload))
            self.gre.sendto(bytes(out), (src, 0))

    def loop_udp(self):
        while True:
            for port, s in self.udp:
                try:
                    data, (src, sport) = s.recvfrom(65535)
                except socket.timeout:
                    continue
                with self.lock:
                    self.seen["udp"].append([src, sport, port])
                    self.seen["udp_data"].append([src, sport, port, len(data), digest(data), head(data)])
                s.sendto(data, (src, sport))

    def set_gre_keys(self, pairs):
        with self.lock:
            self.gre_keys = {k: r for k, r in pairs}
        return {"gre_keys": len(pairs)}

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.seen))


def send_unsolicited(cmd):
    dst = cmd["dst"]
    count = cmd.get("count", 3)
    proto = cmd["proto"]
    for i in range(count):
        if proto == "esp":
            s = raw_socket(socket.IPPROTO_ESP)
            s.sendto(bytes(ESP(spi=cmd["spi"], seq=i + 1, data=b"unsolicited")), (dst, 0))
        elif proto == "gre":
            s = raw_socket(47)
            key = cmd.get("key")
            gre = GRE(key_present=0 if key is None else 1, key=key or 0, proto=0x0800)
            inner = IP(src="198.18.250.1", dst="198.19.1.11") / UDP(sport=9, dport=9) / b"unsolicited"
            s.sendto(bytes(gre / inner), (dst, 0))
        elif proto == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(b"unsolicited", (dst, cmd["dport"]))
        elif proto == "tcp_syn":
            s = raw_socket(socket.IPPROTO_TCP)
            s.sendto(bytes(TCP(sport=40000 + i, dport=cmd["dport"], flags="S", seq=1000)), (dst, 0))
        s.close()
        time.sleep(0.01)
    return {"sent": count}


def exchange(cmd):
    """Sends `count` tagged packets of one kind and counts own replies and foreign packets."""
    kind = cmd["op"]
    server = cmd["server"]
    tag = cmd["tag"].encode()
    count = cmd.get("count", 10)
    interval = cmd.get("interval", 0.05)
    wait = cmd.get("wait", 1.0)
    if kind == "esp":
        sock = raw_socket(socket.IPPROTO_ESP)
    elif kind == "gre":
        sock = raw_socket(47)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", cmd["sport"]))
        sock.settimeout(0.05)
    result = {"sent": 0, "own": 0, "foreign": 0, "first_foreign": None}

    def send(seq):
        payload = tag + b" %d" % seq
        if kind == "esp":
            sock.sendto(bytes(ESP(spi=cmd["spi"], seq=seq, data=payload)), (server, 0))
        elif kind == "gre":
            key = cmd.get("key")
            gre = GRE(key_present=0 if key is None else 1, key=key or 0, proto=0x88B5)
            sock.sendto(bytes(gre / Raw(payload)), (server, 0))
        else:
            sock.sendto(payload, (server, cmd["dport"]))
        result["sent"] += 1

    def receive():
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            return
        if kind == "esp":
            pkt = IP(data)
            if ESP not in pkt:
                return
            esp = pkt[ESP]
            if esp.spi == reply_spi(cmd["spi"]) and bytes(esp.data).startswith(tag + b" "):
                result["own"] += 1
            else:
                result["foreign"] += 1
                result["first_foreign"] = result["first_foreign"] or pkt.summary() + " spi=0x%08x data=%r" % (esp.spi, bytes(esp.data)[:40])
        elif kind == "gre":
            pkt = IP(data)
            if GRE not in pkt:
                return
            gre = pkt[GRE]
            key = gre.key if gre.key_present else None
            if gre.version == 0 and key == cmd.get("reply_key", cmd.get("key")) and bytes(gre.payload).startswith(tag + b" "):
                result["own"] += 1
            else:
                result["foreign"] += 1
                result["first_foreign"] = result["first_foreign"] or pkt.summary() + " key=%r data=%r" % (key, bytes(gre.payload)[:40])
        else:
            if addr[0] == server and data.startswith(tag + b" "):
                result["own"] += 1
            else:
                result["foreign"] += 1
                result["first_foreign"] = result["first_foreign"] or "%s:%d %r" % (addr[0], addr[1], data[:40])

    next_send = time.monotonic()
    seq = 1
    while seq <= count:
        if time.monotonic() >= next_send:
            send(seq)
            seq += 1
            next_send += interval
        receive()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        receive()
    sock.close()
    return result


def digest(data):
    return hashlib.sha256(data).hexdigest()


def head(data):
    """The first bytes of a datagram, as text for reports."""
    return data[:24].decode("latin-1")


def payload_of(tag, size):
    """A deterministic payload of `size` bytes that starts with the tag and differs in every
    fragment-sized piece (so a fragment of another datagram can never complete this one)."""
    out = tag.encode() + b"|"
    n = 0
    while len(out) < size:
        out += b"%s:%07d;" % (tag.encode(), n)
        n += 1
    return out[:size]


def frag_send(cmd):
    """Builds UDP datagrams, fragments them and sends the fragments in the order asked for."""
    fragsize = cmd.get("fragsize", 1480)
    built = []
    digests = []
    for d in cmd["datagrams"]:
        data = payload_of(d["tag"], d["size"])
        digests.append(digest(data))
        pkt = IP(src=d["src"], dst=d["dst"], id=d["id"], ttl=d.get("ttl", 64)) / UDP(sport=d["sport"], dport=d["dport"]) / Raw(data)
        # Build the whole datagram once (UDP checksum over all of it), then cut it.
        pkt = IP(bytes(pkt))
        built.append([bytes(f) for f in fragment(pkt, fragsize=fragsize)])
    order = cmd.get("order", "reverse")
    if order == "reverse":
        order = [[d, i] for d in range(len(built)) for i in reversed(range(len(built[d])))]
    elif order == "forward":
        order = [[d, i] for d in range(len(built)) for i in range(len(built[d]))]
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = 0
    try:
        for d, i in order:
            frag = built[d][i]
            sock.sendto(frag, (cmd["datagrams"][d]["dst"], 0))
            sent += 1
            time.sleep(cmd.get("gap", 0.005))
    finally:
        sock.close()
    return {"sent": sent, "fragments": [len(b) for b in built], "sha256": digests}


class UdpListeners:
    """UDP sockets that stay open between commands and record what they receive."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sockets = {}
        self.received = {}

    def listen(self, port):
        if port in self.sockets:
            return {"listening": port}
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind(("0.0.0.0", port))
        s.settimeout(0.05)
        self.sockets[port] = s
        self.received[port] = []

        def run():
            while True:
                try:
                    data, (src, sport) = s.recvfrom(65535)
                except socket.timeout:
                    continue
                except OSError:
                    return
                with self.lock:
                    self.received[port].append([src, sport, len(data), digest(data), head(data)])

        threading.Thread(target=run, daemon=True).start()
        return {"listening": port}

    def send(self, cmd):
        self.sockets[cmd["sport"]].sendto(cmd["data"].encode(), (cmd["server"], cmd["dport"]))
        return {"sent": 1}

    def report(self, port):
        with self.lock:
            return {"datagrams": list(self.received.get(port, []))}


IP_MTU_DISCOVER = 10
IP_PMTUDISC_DO = 2
IP_RECVERR = 11
IP_MTU = 14


def pmtu_probe(cmd):
    """Sends one packet too big for the path with DF set from a real socket, then the same again:
    the second send fails with EMSGSIZE once the kernel took the ICMP error's MTU."""
    kind, server, size = cmd["kind"], cmd["server"], cmd["size"]
    wait = cmd.get("wait", 1.0)
    if kind == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        s.bind(("0.0.0.0", cmd["sport"]))
        s.connect((server, cmd["dport"]))

        def packet(seq):
            return payload_of("pmtu-%d" % seq, size - 28)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
        s.bind((local_address(), 0))
        s.connect((server, 0))

        def packet(seq):
            return bytes(ESP(spi=cmd["spi"], seq=1000 + seq, data=payload_of("pmtu-%d" % seq, size - 28)))
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
    s.settimeout(0.05)
    result = {"errqueue": []}

    def send(seq):
        try:
            s.send(packet(seq))
            return "ok"
        except OSError as e:
            return errno.errorcode.get(e.errno, str(e.errno))

    result["first_send"] = send(1)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if kind == "udp":
            try:
                _, ancillary, _, _ = s.recvmsg(2048, 512, socket.MSG_ERRQUEUE)
                for level, ctype, data in ancillary:
                    if level == socket.IPPROTO_IP and ctype == IP_RECVERR and len(data) >= 16:
                        # struct sock_extended_err: errno u32, origin u8, type u8, code u8, pad u8, info u32, data u32
                        ee_errno, origin, etype, code, _, info = struct.unpack("=IBBBBI", data[:12])
                        result["errqueue"].append([origin, etype, code, info])
                continue
            except (BlockingIOError, socket.timeout):
                pass
            except OSError:
                pass
        time.sleep(0.05)
    result["second_send"] = send(2)
    try:
        result["ip_mtu"] = struct.unpack("=i", s.getsockopt(socket.IPPROTO_IP, IP_MTU, 4))[0]
    except OSError:
        result["ip_mtu"] = None
    s.close()
    return result


def local_address():
    import subprocess
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", "eth0"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        return parts[parts.index("inet") + 1].split("/")[0]
    raise ValueError("no IPv4 address on eth0")


def checksum_ok(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total == 0xFFFF


def icmp_error_details(raw):
    """An ICMP destination-unreachable packet (IP header first), decoded by hand: outer source and
    destination, type, code, next-hop MTU, whether the ICMP checksum is right, and the quoted
    header: source, destination, protocol, its header checksum's validity, ports (UDP/TCP) or
    SPI (ESP)."""
    ihl = (raw[0] & 0x0F) * 4
    total = struct.unpack("!H", raw[2:4])[0]
    icmp = raw[ihl:total]
    out = {"src": socket.inet_ntoa(raw[12:16]), "dst": socket.inet_ntoa(raw[16:20]),
           "type": icmp[0], "code": icmp[1], "mtu": struct.unpack("!H", icmp[6:8])[0],
           "icmp_checksum_ok": checksum_ok(bytes(icmp))}
    inner = icmp[8:]
    if len(inner) >= 20:
        qihl = (inner[0] & 0x0F) * 4
        out.update({"q_src": socket.inet_ntoa(inner[12:16]), "q_dst": socket.inet_ntoa(inner[16:20]),
                    "q_proto": inner[9], "q_header_checksum_ok": checksum_ok(bytes(inner[:qihl])),
                    "q_length": struct.unpack("!H", inner[2:4])[0]})
        l4 = inner[qihl:]
        if inner[9] in (6, 17) and len(l4) >= 4:
            out["q_sport"], out["q_dport"] = struct.unpack("!HH", l4[:4])
        elif inner[9] == 50 and len(l4) >= 4:
            out["q_spi"] = struct.unpack("!I", l4[:4])[0]
    return out


PPTP_MAGIC = 0x1A2B3C4D


def read_pptp(sock):
    head = b""
    while len(head) < 2:
        chunk = sock.recv(2 - len(head))
        if not chunk:
            raise EOFError("PPTP control connection closed")
        head += chunk
    length = struct.unpack("!H", head)[0]
    body = head
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        if not chunk:
            raise EOFError("PPTP control connection closed")
        body += chunk
    return body


def pptp_call(cmd):
    server, call_id, tag = cmd["server"], cmd["call_id"], cmd["tag"].encode()
    count, interval, wait = cmd.get("count", 10), cmd.get("interval", 0.1), cmd.get("wait", 1.0)
    ctrl = socket.create_connection((server, 1723), timeout=5)
    # Start-Control-Connection-Request (156 bytes) and its reply.
    ctrl.sendall(struct.pack("!HHIHHHHIIHH64s64s", 156, 1, PPTP_MAGIC, 1, 0, 0x0100, 0, 1, 1, 0, 1, b"nrv", b"nrv-e2e"))
    reply = read_pptp(ctrl)
    if struct.unpack("!H", reply[8:10])[0] != 2:
        raise ValueError("expected Start-Control-Connection-Reply, got type %d" % struct.unpack("!H", reply[8:10])[0])
    # Outgoing-Call-Request (168 bytes) with our chosen call ID, and its reply.
    ctrl.sendall(struct.pack("!HHIHHHHIIIIHHHH64s64s", 168, 1, PPTP_MAGIC, 7, 0, call_id, 1, 2400, 10000000, 3, 3, 64, 0, 0, 0, b"", b""))
    while True:
        reply = read_pptp(ctrl)
        if struct.unpack("!H", reply[8:10])[0] == 8:
            break
    server_call_id, peer_call_id = struct.unpack("!HH", reply[12:16])
    gre = raw_socket(47)
    result = {"ocrp_peer_call_id": peer_call_id, "server_call_id": server_call_id, "sent": 0, "own": 0, "foreign": 0, "other_gre": 0, "first_foreign": None}

    def send(seq):
        lcp = struct.pack("!BBHI", 9, seq & 0xFF, 8 + len(tag), 0x4E524531) + tag
        ppp = b"\xff\x03\xc0\x21" + lcp
        header = struct.pack("!HHHHI", 0x3001, 0x880B, len(ppp), server_call_id, seq)
        gre.sendto(header + ppp, (server, 0))
        result["sent"] += 1

    def receive():
        try:
            data = gre.recv(65535)
        except socket.timeout:
            return
        ihl = (data[0] & 0x0F) * 4
        g = data[ihl:]
        if len(g) < 8:
            return
        flags, proto, length, key_call = struct.unpack("!HHHH", g[:8])
        if flags & 0x7 != 1:
            return
        offset = 8 + (4 if flags & 0x1000 else 0) + (4 if flags & 0x0080 else 0)
        ppp = g[offset:offset + length]
        if key_call != call_id:
            result["other_gre"] += 1
            return
        if ppp[:2] == b"\xff\x03":
            ppp = ppp[2:]
        if len(ppp) >= 10 and ppp[:2] == b"\xc0\x21" and ppp[2] == 10:
            if ppp[10:] == tag:
                result["own"] += 1
            else:
                result["foreign"] += 1
                result["first_foreign"] = result["first_foreign"] or "echo reply with data %r" % ppp[10:40]

    next_send = time.monotonic()
    seq = 1
    while seq <= count:
        if time.monotonic() >= next_send:
            send(seq)
            seq += 1
            next_send += interval
        receive()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        receive()
    gre.close()
    ctrl.close()
    return result


class Sniffer:
    def __init__(self):
        self.thread = None
        self.running = False
        self.count = 0
        self.first = []
        self.icmp = []

    def start(self):
        addrs = [a for a in local_networks()]
        self.running = True
        self.count = 0
        self.first = []
        self.icmp = []
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
        sock.bind(("eth0", 0))
        sock.settimeout(0.05)

        def run():
            while self.running:
                try:
                    data = sock.recv(65535)
                except socket.timeout:
                    continue
                try:
                    pkt = IP(data)
                    src = ipaddress.ip_address(pkt.src)
                except Exception:
                    continue
                if any(src in net for net in addrs):
                    continue
                self.count += 1
                if len(self.first) < 5:
                    self.first.append(pkt.summary())
                if pkt.proto == 1 and len(data) > (data[0] & 0x0F) * 4 and data[(data[0] & 0x0F) * 4] == 3 and len(self.icmp) < 20:
                    try:
                        self.icmp.append(icmp_error_details(data))
                    except Exception as e:  # a truncated error: keep what can be said
                        self.icmp.append({"error": "%s: %s" % (type(e).__name__, e)})
            sock.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        return {"started": True}

    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join()
        return {"count": self.count, "first": self.first, "icmp": self.icmp}


def local_networks():
    import subprocess
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", "eth0"], capture_output=True, text=True).stdout
    nets = []
    for line in out.splitlines():
        parts = line.split()
        nets.append(ipaddress.ip_network(parts[parts.index("inet") + 1], strict=False))
    return nets


def main():
    responder = Responder() if "--respond" in sys.argv else None
    sniffer = Sniffer()
    listeners = UdpListeners()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            op = cmd["op"]
            if op in ("esp", "gre", "udp"):
                out = exchange(cmd)
            elif op == "pptp_call":
                out = pptp_call(cmd)
            elif op == "gre_keys":
                out = responder.set_gre_keys(cmd["map"])
            elif op == "seen":
                out = responder.snapshot()
            elif op == "send":
                out = send_unsolicited(cmd)
            elif op == "sniff_start":
                out = sniffer.start()
            elif op == "sniff_stop":
                out = sniffer.stop()
            elif op == "frag_send":
                out = frag_send(cmd)
            elif op == "udp_listen":
                out = listeners.listen(cmd["sport"])
            elif op == "udp_send":
                out = listeners.send(cmd)
            elif op == "udp_received":
                out = listeners.report(cmd["sport"])
            elif op == "pmtu_probe":
                out = pmtu_probe(cmd)
            else:
                out = {"error": "unknown op " + op}
        except Exception as e:  # report, keep serving
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
