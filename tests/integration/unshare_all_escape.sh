#!/bin/sh
# bubblewrap's careful line, --unshare-all --die-with-parent
# --new-session, under the emulate backend (issue 12): it runs there (no
# fallback: --backend=auto takes it), and from inside none of the host's things is reachable: a
# host process (signal, ptrace, pidfd, priority, /proc), a listener on
# the host's loopback, a host SysV segment (by key and by id), the host's
# mount table (not shown; a mount or umount inside changes nothing on
# the host). TAP.
#
#   unshare_all_escape.sh VEIL
set -u
veil=$1
tmp=$(mktemp -d /var/tmp/veil-allesc.XXXXXX)
sleeper= listener= shmid=
trap '[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null; [ -n "$listener" ] && kill "$listener" 2>/dev/null
      [ -n "$shmid" ] && ipcrm -m "$shmid" 2>/dev/null; rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
echo "1..7"

sleep 300 & sleeper=$!
$PY -c '
import socket, sys, os
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(4)
open(sys.argv[1] + "/port.tmp", "w").write(str(t.getsockname()[1]))
os.rename(sys.argv[1] + "/port.tmp", sys.argv[1] + "/port")
while True:
    c, a = t.accept(); open(sys.argv[1] + "/reached", "a").write("x"); c.close()
' "$tmp" & listener=$!
i=0; while [ ! -f "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$tmp/port")
key=$((0x7e110000 + $$ % 65536))
shmid=$($PY -c '
import ctypes, sys
libc = ctypes.CDLL(None)
print(libc.shmget(int(sys.argv[1]), 4096, 0o1600))' "$key")
mounts_before=$(wc -l < /proc/self/mountinfo)

VEIL_DEBUG=1 "$veil" --backend=auto --unshare-all --die-with-parent --new-session \
	--ro-bind / / --tmpfs /tmp --proc /proc --dev /dev --bind "$tmp" /tmp/x -- \
	$PY -c '
import ctypes, errno, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
pid, port, key, shmid = (int(a) for a in sys.argv[1:5])
def e(r):
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
out = []
out.append("kill %s ptrace %s pidfd %s prio %s proc %s" % (
    e(libc.kill(pid, 0)), e(libc.ptrace(16, pid, 0, 0)), e(libc.syscall(434, pid, 0)),
    e(libc.getpriority(0, pid)) if libc.getpriority(0, pid) == -1 else "ok",
    os.path.exists("/proc/%d" % pid)))
s = socket.socket()
out.append("connect %s" % errno.errorcode.get(s.connect_ex(("127.0.0.1", port)), "ok"))
out.append("shm key %s id %s" % (e(libc.shmget(key, 0, 0)), e(libc.shmctl(shmid, 2, ctypes.create_string_buffer(128)))))
mi = open("/proc/self/mountinfo").read()
out.append("host mounts shown %s" % any(l.split()[4] in ("/sys", "/dev/shm", "/run") for l in mi.splitlines()))
os.mkdir("/tmp/m")
out.append("mount %s umount root %s" % (e(libc.mount(b"t", b"/tmp/m", b"tmpfs", 0, None)), e(libc.umount2(b"/", 2))))
open("/tmp/x/out", "w").write("\n".join(out) + "\n")
' "$sleeper" "$port" "$key" "$shmid" 2>"$tmp/err"; cat "$tmp/err" | grep -v "^veil:" | sed "s/^/# /"
rc=$?
grep -q -- '--backend=auto: emulate' "$tmp/err"
check "--backend=auto takes emulate for --unshare-all --die-with-parent --new-session" "0 0" "$rc $?"
o() { sed -n "${1}p" "$tmp/out"; }
check "a host process: kill, pidfd_open, getpriority ESRCH, ptrace EPERM (as for any pid), not in /proc" \
	"kill ESRCH ptrace EPERM pidfd ESRCH prio ESRCH proc False" "$(o 1)"
check "the host's loopback listener: refused, never reached" "connect ECONNREFUSED none" \
	"$(o 2) $( [ -f "$tmp/reached" ] && echo reached || echo none)"
check "a host SysV segment: by key ENOENT, by id EINVAL" "shm key ENOENT id EINVAL" "$(o 3)"
check "the host's mounts are not shown" "host mounts shown False" "$(o 4)"
check "mount inside works, the root cannot be unmounted" "mount ok umount root EINVAL" "$(o 5)"
check "the host's mount table is unchanged" "$mounts_before" "$(wc -l < /proc/self/mountinfo)"
