#!/usr/bin/python3
"""A minimal syslog sink: reads datagrams on a Unix socket (the daemon's private /dev/log) and
appends each message, one per line, to a file. Used by sandbox.sh."""
import os
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
with open(out, "a", buffering=1) as log:
    while True:
        data = sock.recv(65536)
        text = data.decode("utf-8", "replace").rstrip("\x00\n")
        log.write("%.3f %s\n" % (time.time(), text))
