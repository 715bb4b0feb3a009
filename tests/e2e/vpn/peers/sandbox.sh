#!/bin/sh
# Runs one VPN daemon in a private mount namespace (and PID namespace) so several instances
# coexist on one machine. Called as:
#   ip netns exec NS unshare --mount --propagation private --pid --fork --kill-child --mount-proc \
#       sandbox.sh RUNDIR [--pppd STANDIN] -- COMMAND ARGS...
# It gives the daemon:
#   - a private /run (charon, xl2tpd and pptpd hard-code pid files and sockets there),
#   - a private /dev (tmpfs) with the few device nodes the daemons use, a devpts instance with
#     /dev/ptmx -> pts/ptmx (pptp needs the symlink) and /dev/log served by a syslog sink that
#     writes RUNDIR/syslog.log (xl2tpd, pptpd and pppd log only to syslog),
#   - optionally a stand-in pppd bind-mounted over /usr/sbin/pppd (the kernel here has no PPP).
# When this process (PID 1 of the new PID namespace) exits, the kernel kills everything it started.
set -eu
rundir=$1; shift
standin=
if [ "${1:-}" = "--pppd" ]; then standin=$2; shift 2; fi
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$rundir/run" "$rundir/dev"
mount --bind "$rundir/run" /run

mount -t tmpfs -o mode=0755 nrvdev "$rundir/dev"
mknod -m 666 "$rundir/dev/null" c 1 3
mknod -m 666 "$rundir/dev/zero" c 1 5
mknod -m 666 "$rundir/dev/random" c 1 8
mknod -m 666 "$rundir/dev/urandom" c 1 9
mknod -m 666 "$rundir/dev/tty" c 5 0
mkdir -p "$rundir/dev/net" "$rundir/dev/pts" "$rundir/dev/shm"
mknod -m 666 "$rundir/dev/net/tun" c 10 200
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$rundir/dev/pts"
ln -s pts/ptmx "$rundir/dev/ptmx"
mount --move "$rundir/dev" /dev

/usr/bin/python3 "$here/syslog_sink.py" /dev/log "$rundir/syslog.log" &
i=0
while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done

if [ -n "$standin" ]; then
    mount --bind "$standin" /usr/sbin/pppd
fi

# Not exec: PID 1 of a PID namespace ignores SIGTERM; we stay as PID 1 and reap, and the
# daemon runs as our child so it gets default signal handling.
"$@" &
child=$!
trap 'kill -TERM $child 2>/dev/null' TERM INT
wait $child || true
wait $child 2>/dev/null || true
