#!/bin/sh
# --unshare-net under the emulate backend (sentry/net/inet.h): it runs
# (no fallback to the kernel backend), and nothing crosses the boundary
# either way. The test's own listeners on the host's loopback (TCP and
# UDP) are out of the sandbox's reach, whatever address spelling or call
# it tries (connect, sendto, sendmsg on a connected socket, sendmmsg,
# v4-mapped v6, 0.0.0.0, a host socket passed in as an fd); a listener
# inside is out of reach of the host, of another sandbox and of a
# sandbox without --unshare-net; raw and packet sockets are refused even
# to root. A control run without --unshare-net reaches the host listener,
# so the listener is known to work. TAP output.
#
#   netns_escape.sh VEIL
set -u
veil=$1
tmp=$(mktemp -d /var/tmp/veil-netns.XXXXXX)
hostpid=
trap '[ -n "$hostpid" ] && kill "$hostpid" 2>/dev/null; rm -rf "$tmp"' EXIT
B="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64
   --ro-bind /etc /etc --tmpfs /tmp --proc /proc --dev /dev --bind $tmp /x"
PY=/usr/bin/python3
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
echo "1..13"

# The host's listeners: TCP and UDP on 127.0.0.1, ports written to a
# file; every TCP connection and UDP datagram they get is logged.
$PY - "$tmp" <<'PYEOF' &
import socket, sys, os, select
d = sys.argv[1]
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
with open(d + "/ports.tmp", "w") as f:
    f.write("%d %d\n" % (t.getsockname()[1], u.getsockname()[1]))
os.rename(d + "/ports.tmp", d + "/ports")
log = open(d + "/hostlog", "a", buffering=1)
while True:
    r, _, _ = select.select([t, u], [], [], 120)
    if not r: break
    for s in r:
        if s is t:
            c, a = t.accept(); log.write("tcp\n"); c.close()
        else:
            u.recvfrom(100); log.write("udp\n")
PYEOF
hostpid=$!
for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; sleep 0.1; done
read -r tport uport <"$tmp/ports"
: >"$tmp/hostlog"

# shellcheck disable=SC2086
check "--backend=emulate realises --unshare-net" "ran" \
	"$("$veil" --backend=emulate --unshare-net $B /bin/echo ran 2>&1)"
# shellcheck disable=SC2086
check "--backend=auto takes emulate for --unshare-net, no fallback" "1" \
	"$(VEIL_DEBUG=1 "$veil" --unshare-net $B /bin/true 2>&1 | grep -c 'auto: emulate, because')"

# Every way to the host's listeners, from inside.
cat >"$tmp/out.py" <<'PYEOF'
import socket, errno, sys
tport, uport = int(sys.argv[1]), int(sys.argv[2])
def err(f):
    try:
        f(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
def tcp(fam, addr):
    return lambda: socket.socket(fam).connect((addr, tport))
res = [
    err(tcp(socket.AF_INET, "127.0.0.1")), err(tcp(socket.AF_INET, "0.0.0.0")),
    err(tcp(socket.AF_INET6, "::ffff:127.0.0.1")), err(tcp(socket.AF_INET6, "::1")),
]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"a", ("127.0.0.1", uport))
u.sendmsg([b"b"], [], 0, ("127.0.0.1", uport))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.connect(("127.0.0.1", 9))
c.sendmsg([b"c"], [], 0, ("127.0.0.1", uport))
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b"d", ("::ffff:127.0.0.1", uport))
print(" ".join(res))
PYEOF
# shellcheck disable=SC2086
check "the host's loopback TCP listener is unreachable from inside" \
	"ECONNREFUSED ECONNREFUSED ECONNREFUSED ECONNREFUSED" \
	"$("$veil" --backend=emulate --unshare-net $B $PY /x/out.py "$tport" "$uport" 2>&1)"
check "... and its UDP socket got nothing" "" "$(cat "$tmp/hostlog")"
# shellcheck disable=SC2086
"$veil" --backend=emulate $B $PY -c '
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", int(sys.argv[2])))' \
	"$tport" "$uport" >/dev/null 2>&1
sleep 0.3
check "control: without --unshare-net the same calls reach the host" "tcp udp" \
	"$(sort "$tmp/hostlog" | tr '\n' ' ' | sed 's/ $//')"

# A host socket passed in: the sandbox's network has no way out through it.
cat >"$tmp/passed.py" <<'PYEOF'
import socket, errno, sys
def err(f):
    try:
        f(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
t = socket.socket(fileno=10); u = socket.socket(fileno=11)
print(err(lambda: t.connect(("127.0.0.1", int(sys.argv[1])))),
      err(lambda: t.bind(("127.0.0.1", 0))),
      err(lambda: u.sendto(b"p", ("127.0.0.1", int(sys.argv[2])))))
PYEOF
: >"$tmp/hostlog"
check "a host inet socket passed in: connect, bind, sendto refused" \
	"ENETUNREACH EADDRNOTAVAIL ENETUNREACH|" \
	"$($PY -c '
import socket, subprocess, sys
import os
t = socket.socket(); u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
os.dup2(t.fileno(), 10); os.dup2(u.fileno(), 11)
r = subprocess.run(sys.argv[1:], pass_fds=(10, 11), capture_output=True, text=True)
print(r.stdout.strip() + r.stderr.strip())' "$veil" --backend=emulate --unshare-net $B $PY /x/passed.py "$tport" "$uport" 2>&1)|$(cat "$tmp/hostlog")"

# A listener inside, tried from the host, from another sandbox with a
# network of its own, and from one on the host's network.
rm -f "$tmp/port" "$tmp/done"
# shellcheck disable=SC2086
"$veil" --backend=emulate --unshare-net $B $PY -c '
import socket, os, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", s.getsockname()[1]))
u.setblocking(False)
open("/x/port.tmp", "w").write(str(s.getsockname()[1])); os.rename("/x/port.tmp", "/x/port")
for _ in range(300):
    if os.path.exists("/x/done"): break
    time.sleep(0.05)
s.setblocking(False)
got = []
for k in (s, u):
    try:
        k.accept() if k is s else k.recv(10); got.append("got")
    except BlockingIOError: got.append("none")
print(" ".join(got))' >"$tmp/inside" 2>&1 &
inpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
iport=$(cat "$tmp/port")
try_in='
import socket, errno, sys
p = int(sys.argv[1])
try:
    socket.create_connection(("127.0.0.1", p), timeout=5); r = "ok"
except OSError as e:
    r = errno.errorcode[e.errno]
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"in", ("127.0.0.1", p))
print(r)'
check "the host cannot reach a listener inside" "ECONNREFUSED" "$($PY -c "$try_in" "$iport" 2>&1)"
# shellcheck disable=SC2086
check "nor can another sandbox with --unshare-net" "ECONNREFUSED" \
	"$("$veil" --backend=emulate --unshare-net $B $PY -c "$try_in" "$iport" 2>&1)"
# shellcheck disable=SC2086
check "nor a sandbox on the host's network" "ECONNREFUSED" \
	"$("$veil" --backend=emulate $B $PY -c "$try_in" "$iport" 2>&1)"
# The rendezvous is a unix socket in the first sandbox's scratch directory:
# a sandbox that sees /dev/shm (where scratch directories live) finds it,
# and its connect is refused all the same.
# shellcheck disable=SC2086
check "nor a sandbox that binds the scratch directories in, by the rendezvous' path" \
	"ECONNREFUSED" "$("$veil" --backend=emulate $B --bind /dev/shm /dev/shm --bind /var/tmp /var/tmp $PY -c '
import socket, errno, glob, sys
paths = [p for d in ("/dev/shm", "/var/tmp") for p in glob.glob(d + "/veil-shadows-*/u*.t44.%s.*" % sys.argv[1])]
if not paths: print("no rendezvous found"); sys.exit()
try:
    socket.socket(socket.AF_UNIX).connect(paths[0]); print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])' "$iport" 2>&1)"
touch "$tmp/done"
wait "$inpid"
check "... and nothing arrived inside, by TCP or UDP" "none none" "$(cat "$tmp/inside")"

# What an unprivileged namespace refuses, the sandbox refuses to root too:
# there is no raw network to hand out.
# shellcheck disable=SC2086
check "raw, packet and unknown families are refused (even as root)" "EPERM EPERM EPERM EAFNOSUPPORT ESOCKTNOSUPPORT" \
	"$("$veil" --backend=emulate --unshare-net --uid 0 $B $PY -c '
import socket, errno
def err(*a):
    try:
        socket.socket(*a); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
print(err(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP), err(socket.AF_INET6, socket.SOCK_RAW, 58),
      err(socket.AF_PACKET, socket.SOCK_RAW), err(socket.AF_APPLETALK, socket.SOCK_DGRAM),
      err(socket.AF_INET, socket.SOCK_SEQPACKET))' 2>&1)"
# The rendezvous live in the sentry's scratch directory, which only the
# sandbox's uid can enter: another user on the host cannot connect.
check "the rendezvous directory is the sandbox's uid's alone" "0700" \
	"$("$veil" --backend=emulate --unshare-net $B $PY -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); time.sleep(1.5)' >/dev/null 2>&1 &
	sleep 1; for f in $(find /dev/shm /tmp /var/tmp -maxdepth 2 -type s -name "u*.t44.*" -newer "$tmp/ports" 2>/dev/null); do
	stat -c %a "$(dirname "$f")"; break; done | sed 's/^/0/'; wait)"
