#!/usr/bin/python3
"""Raw ESP for the browser test, built with scapy and sent on raw sockets (the kernel here has
no ESP, it only carries the packets).

  esppeer.py respond
      WAN side: answers every ESP packet with SPI S by one with SPI S + 0x01000000 (a real SA
      pair uses a different SPI each way) and the same sequence number and payload; prints
      "seen SRC SPI SEQ" for each packet it receives (flushed at once).
  esppeer.py send SERVER SPI COUNT WAIT
      LAN side: sends COUNT ESP packets (SPI, sequence 1..COUNT) to SERVER, 20 ms apart, keeps
      listening WAIT seconds after the last one and prints one JSON line
      {"sent": N, "replies": M}, M counting the answers with the reply SPI and a sequence it sent.
"""
import json
import socket
import sys
import time

from scapy.layers.inet import IP
from scapy.layers.ipsec import ESP


def reply_spi(spi):
    return (spi + 0x01000000) & 0xFFFFFFFF


def respond():
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
    print("ready", flush=True)
    while True:
        data, (src, _) = sock.recvfrom(65535)
        pkt = IP(data)
        if ESP not in pkt:
            continue
        esp = pkt[ESP]
        print("seen %s %d %d" % (src, esp.spi, esp.seq), flush=True)
        sock.sendto(bytes(ESP(spi=reply_spi(esp.spi), seq=esp.seq, data=bytes(esp.data))), (src, 0))


def send(server, spi, count, wait):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
    sock.settimeout(0.05)
    replies = set()

    def drain(until):
        while time.monotonic() < until:
            try:
                data, _ = sock.recvfrom(65535)
            except socket.timeout:
                continue
            pkt = IP(data)
            if ESP in pkt and pkt[ESP].spi == reply_spi(spi) and 1 <= pkt[ESP].seq <= count:
                replies.add(pkt[ESP].seq)

    for seq in range(1, count + 1):
        sock.sendto(bytes(ESP(spi=spi, seq=seq, data=b"nanorouter browser test %d" % seq)), (server, 0))
        drain(time.monotonic() + 0.02)
    drain(time.monotonic() + wait)
    print(json.dumps({"sent": count, "replies": len(replies)}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["respond"]:
        respond()
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3], 0), int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit(__doc__)
