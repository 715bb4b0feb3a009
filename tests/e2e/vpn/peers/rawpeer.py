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
    {"op":"gre","server":A,"key":K|null,"tag":T,...}   the same with GRE version 0 (key K).
    {"op":"udp","server":A,"sport":P,"dport":Q,"tag":T,...}  the same with UDP P -> Q.
    {"op":"pptp_call","server":A,"call_id":C,"tag":T,"count":N}
        a minimal PPTP client (RFC 2637) on a real TCP connection: Start-Control-Connection,
        Outgoing-Call-Request with call ID C, then N GRE v1 packets carrying PPP LCP
        Echo-Requests (data T) to the server's call ID; returns {"ocrp_peer_call_id",
        "server_call_id","own","foreign","other_gre","first_foreign"}: "own" counts Echo-Replies
        with data T in GRE v1 for call ID C, "foreign" Echo-Replies with other data.
    {"op":"sniff_start"} / {"op":"sniff_stop"}
        counts every IPv4 packet arriving on eth0 whose source is outside this host's subnet
        and that is not ARP; returns {"count","first":[summaries]}.
  WAN side (responder, started with --respond)
    echoes ESP (SPI S -> reply_spi(S)), GRE v0 (same key) and UDP on ports 500, 4500, 1701,
    and remembers what it saw: {"op":"seen"} returns {"esp":[[src,spi]...],"gre":[[src,key]...],
    "udp":[[src,sport,dport]...]}.
    {"op":"send","dst":A,"proto":"esp"|"gre"|"udp"|"tcp_syn","spi":S,"key":K,"dport":P,"count":N}
        sends unsolicited packets.
"""
import ipaddress
import json
import socket
import struct
import sys
import threading
import time

from scapy.layers.inet import IP, TCP, UDP
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
        self.seen = {"esp": [], "gre": [], "udp": []}
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
            out = GRE(key_present=gre.key_present, key=gre.key, proto=gre.proto) / Raw(bytes(gre.payload))
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
                s.sendto(data, (src, sport))

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
            if gre.version == 0 and key == cmd.get("key") and bytes(gre.payload).startswith(tag + b" "):
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

    def start(self):
        addrs = [a for a in local_networks()]
        self.running = True
        self.count = 0
        self.first = []
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
            sock.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        return {"started": True}

    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join()
        return {"count": self.count, "first": self.first}


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
            elif op == "seen":
                out = responder.snapshot()
            elif op == "send":
                out = send_unsolicited(cmd)
            elif op == "sniff_start":
                out = sniffer.start()
            elif op == "sniff_stop":
                out = sniffer.stop()
            else:
                out = {"error": "unknown op " + op}
        except Exception as e:  # report, keep serving
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
