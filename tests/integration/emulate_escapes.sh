#!/bin/sh
# Escape attempts under --backend=emulate: every one must fail, and the
# secret (a host file outside every bind) must never be read. TAP output.
#
#   emulate_escapes.sh VEIL
set -u
veil=$1
work=$(mktemp -d /tmp/veil-escape.XXXXXX)
trap 'rm -rf "$work"; [ -n "${listener:-}" ] && kill "$listener" 2>/dev/null
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null' EXIT
chmod 755 "$work"
secret="$work/secret"
echo "TOP-SECRET-$$" > "$secret"
mkdir "$work/data"
echo ok > "$work/data/ok"
ln -s "$secret" "$work/data/abs"
ln -s ../secret "$work/data/rel"
ln -s ../../../../../../../../.. "$work/data/up"
ln -s / "$work/data/root"
ln -s loop2 "$work/data/loop1"
ln -s loop1 "$work/data/loop2"
cp /usr/bin/true "$work/hostbin"

run() {
	"$veil" --backend=emulate \
		--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --ro-bind "$work/data" /data --tmpfs /tmp \
		--setenv PATH /usr/bin --setenv SECRET "$secret" -- "$@"
}

runp() {
	"$veil" --backend=emulate \
		--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --ro-bind "$work/data" /data --tmpfs /tmp --proc /proc \
		--setenv PATH /usr/bin --setenv SECRET "$secret" --setenv HOSTPID "$$" -- "$@"
}

n=0
check() { # name, then the command's output must not hold the secret and must match
	n=$((n + 1))
	name=$1
	want=$2
	got=$3
	case "$got" in
	*TOP-SECRET*) echo "not ok $n - $name: THE SECRET WAS READ"; return ;;
	esac
	if [ "$got" = "$want" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "# want: $want"
		echo "# got:  $got"
	fi
}

echo "1..38"
check "the host path itself" "ENOENT" \
	"$(run python3 -c 'import os
try: open(os.environ["SECRET"]).read(); print("READ")
except OSError as e: print(__import__("errno").errorcode[e.errno])')"
check "an absolute symlink in a bind" "ENOENT" \
	"$(run python3 -c 'import errno
try: print(open("/data/abs").read())
except OSError as e: print(errno.errorcode[e.errno])')"
check "a relative symlink out of a bind" "ENOENT" \
	"$(run python3 -c 'import errno
try: print(open("/data/rel").read())
except OSError as e: print(errno.errorcode[e.errno])')"
check ".. past the bind's root" "ENOENT" \
	"$(run python3 -c 'import errno, os
try: print(open("/data/../../../.." + os.environ["SECRET"]).read())
except OSError as e: print(errno.errorcode[e.errno])')"
check "a symlink to .. chains" "ENOENT" \
	"$(run python3 -c 'import errno, os
try: print(open("/data/up" + os.environ["SECRET"]).read())
except OSError as e: print(errno.errorcode[e.errno])')"
check "a symlink to / lands on the sandbox root" "bin data lib lib64 tmp usr" \
	"$(run sh -c 'ls /data/root/ | tr "\n" " " | sed "s/ $//"')"
check "a symlink loop" "ELOOP" \
	"$(run python3 -c 'import errno
try: open("/data/loop1")
except OSError as e: print(errno.errorcode[e.errno])')"
check "exec of a host binary outside the binds" "ENOENT" \
	"$(run python3 -c 'import errno, os
try: os.execv(os.environ["SECRET"].replace("secret", "hostbin"), ["x"])
except OSError as e: print(errno.errorcode[e.errno])')"
check "a unix socket path outside the sandbox" "refused" \
	"$(run python3 -c 'import socket, os
s = socket.socket(socket.AF_UNIX)
try: s.connect(os.environ["SECRET"] + ".sock"); print("CONNECTED")
except OSError as e: print("refused")')"
check "open_by_handle_at" "EPERM" \
	"$(run python3 -c 'import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(304, -100, None, 0)
print(errno.errorcode[ctypes.get_errno()] if r < 0 else "OK")')"
check "io_uring" "ENOSYS" \
	"$(run python3 -c 'import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(425, 8, None)
print(errno.errorcode[ctypes.get_errno()] if r < 0 else "OK")')"
# A thread flips the path between a file in the sandbox and the host secret
# while the main thread opens it: the sentry reads the path once, so every
# open sees one of the two names, never a host file.
check "a racing thread rewriting the path" "no secret" \
	"$(run python3 -c 'import ctypes, os, threading
libc = ctypes.CDLL(None, use_errno=True)
good = b"/data/ok\0"; bad = os.environ["SECRET"].encode() + b"\0"
buf = ctypes.create_string_buffer(max(len(good), len(bad)) + 1)
stop = False
def flip():
    while not stop:
        ctypes.memmove(buf, bad, len(bad)); ctypes.memmove(buf, good, len(good))
t = threading.Thread(target=flip); t.start()
seen = set()
for i in range(3000):
    fd = libc.open(buf, 0)
    if fd >= 0:
        seen.add(os.read(fd, 64)); os.close(fd)
stop = True; t.join()
print("no secret" if all(b"TOP-SECRET" not in s for s in seen) else "LEAK")')"
# fchmod of an inherited fd (here stdout, a host file of another owner):
# the sentry acts with the program's privilege, which is none.
if [ "$(id -u)" = 0 ]; then
	out="$work/owned-by-other"
	: > "$out"
	chown 4321:4321 "$out"
	chmod 644 "$out"
	run python3 -c 'import os, errno, sys
try: os.fchmod(1, 0o777); print("CHANGED", file=sys.stderr)
except OSError as e: print(errno.errorcode[e.errno], file=sys.stderr)' >"$out" 2>"$work/fchmod.err"
	check "fchmod of an inherited host fd" "EPERM 644" \
		"$(cat "$work/fchmod.err") $(stat -c %a "$out")"
else
	n=$((n + 1))
	echo "ok $n - fchmod of an inherited host fd # SKIP needs root"
fi
# The sentry is the program's parent and has its uid, but is not its prey.
check "reading the sentry's memory" "ESRCH" \
	"$(run python3 -c 'import ctypes, os, errno
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(16)
class iovec(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
local = iovec(ctypes.cast(buf, ctypes.c_void_p), 16)
remote = iovec(0x400000, 16)
r = libc.process_vm_readv(os.getppid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
print(errno.errorcode[ctypes.get_errno()] if r < 0 else "READ")')"

# A directory fd veil itself inherited (the caller's, on the host): it
# names nothing in the sandbox, and lookups under it are refused.
check "an inherited host directory fd" "EBADF" \
	"$(run python3 -c 'import os, errno
try: print(open("secret", opener=lambda p, f: os.open(p, f, dir_fd=3)).read())
except OSError as e: print(errno.errorcode[e.errno])' 3<"$work")"
# The f*xattr calls on that fd: refused as every other fd call on it, not
# run on the host directory (which would take the xattr outside any bind).
check "xattrs of an inherited host directory fd" "EBADF EBADF none" \
	"$(run python3 -c 'import os, errno
out = []
for f in (lambda: os.setxattr(3, "user.veil", b"x"), lambda: os.listxattr(3)):
    try: f(); out.append("REACHED")
    except OSError as e: out.append(errno.errorcode[e.errno])
print(" ".join(out))' 3<"$work") $(python3 -c 'import os, sys
print(os.listxattr(sys.argv[1]) and "SET" or "none")' "$work")"

# An fd in flight (in a unix socket's queue, in no fd table) when the
# sentry sweeps its fd map must not come back as "the program's own"
# object: fchmod on it would reach a file under a read-only bind. A tmpfs
# file's the same: the sweep keeps no tombstone for it (the VFS knows its
# memfd while the file lives, sentry/kernel/fdmap.c). inflight PATH OPEN_FLAGS
# prints what fchmod and fstat of the fd that comes back give, and the
# file's mode after.
inflight() {
	run python3 -c 'import os, sys, socket, errno, array
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
fd = os.open(sys.argv[1], int(sys.argv[2]), 0o600)
try:
    a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
except OSError as e:
    print("NOSEND", errno.errorcode[e.errno]); raise SystemExit
os.close(fd)
for root, dirs, files in os.walk("/usr/share"):   # enough opens for a sweep
    for f in files[:50]:
        try: os.close(os.open(os.path.join(root, f), os.O_RDONLY))
        except OSError: pass
msg, anc, flags, addr = b.recvmsg(1, socket.CMSG_LEN(4))
got = array.array("i", anc[0][2])[0]
out = []
for f in (lambda: os.fchmod(got, 0o777), lambda: os.fstat(got)):
    try: f(); out.append("REACHED")
    except OSError as e: out.append(errno.errorcode[e.errno])
print(" ".join(out), oct(os.stat(sys.argv[1]).st_mode & 0o777))' "$@" 2>&1
}
chmod 644 "$work/data/ok"
for c in "/data/ok 0 0o644" "/tmp/f 66 0o600"; do # O_RDONLY; O_RDWR|O_CREAT
	# shellcheck disable=SC2086
	set -- $c
	got=$(inflight "$1" "$2")
	case "$got" in
	"NOSEND ENOSYS")
		n=$((n + 1))
		echo "not ok $n - a swept fd ($1) passed in a unix socket: sendmsg refused" ;;
	*)
		check "a swept fd ($1) passed in a unix socket" "EBADF EBADF $3" "$got" ;;
	esac
done

# /proc (fs/proc): every link and directory leads into the sandbox or
# nowhere; the sentry and host processes are not there at all.
check "/proc/self/root is the sandbox's root" "bin data lib lib64 proc tmp usr|ENOENT" \
	"$(runp python3 -c 'import os, errno
print(" ".join(sorted(os.listdir("/proc/self/root"))), end="|")
try: print(open("/proc/self/root" + os.environ["SECRET"]).read())
except OSError as e: print(errno.errorcode[e.errno])')"
check "the sentry's /proc/<pid>" "ENOENT ENOENT ENOENT ENOENT ENOENT" \
	"$(runp python3 -c 'import os, errno
s = "/proc/%d" % os.getppid()
out = []
for f in (lambda: os.listdir(s), lambda: os.readlink(s + "/root"),
          lambda: open(s + "/mem", "rb").read(1), lambda: os.readlink(s + "/cwd"),
          lambda: os.listdir(s + "/fd")):
    try: f(); out.append("REACHED")
    except OSError as e: out.append(errno.errorcode[e.errno])
print(" ".join(out))')"
check "/proc/1 and a host process" "ENOENT ENOENT ENOENT" \
	"$(runp python3 -c 'import os, errno
out = []
for p in ("/proc/1/root/" + os.environ["SECRET"], "/proc/1/cwd", "/proc/%s/root" % os.environ["HOSTPID"]):
    try: os.stat(p); out.append("REACHED")
    except OSError as e: out.append(errno.errorcode[e.errno])
print(" ".join(out))')"
check "/proc/self/fd of an inherited host directory" "ENOENT ENOENT" \
	"$(runp python3 -c 'import os, errno
out = []
for f in (lambda: open("/proc/self/fd/3/secret").read(), lambda: os.listdir("/proc/self/fd/3")):
    try: f(); out.append("REACHED")
    except OSError as e: out.append(errno.errorcode[e.errno])
print(" ".join(out))' 3<"$work")"
check "/proc/self/mem and the cwd link's .." "ENOENT bin data lib lib64 proc tmp usr" \
	"$(runp python3 -c 'import os, errno
try: open("/proc/self/mem", "rb"); print("OPENED", end=" ")
except OSError as e: print(errno.errorcode[e.errno], end=" ")
print(" ".join(sorted(os.listdir("/proc/self/cwd/../../../.."))))')"
check "host sysctls through /proc/sys" "EROFS EROFS" \
	"$(runp python3 -c 'import os, errno
out = []
for p in ("/proc/sys/kernel/core_pattern", "/proc/sys/vm/drop_caches"):
    try: os.open(p, os.O_WRONLY); out.append("OPENED")
    except OSError as e: out.append(errno.errorcode[e.errno])
print(" ".join(out))')"
# The few per-task files a task may write get the host's own file of that
# task (fs/proc/file.c), opened with the program's privilege: the fd leads
# nowhere else, another user's task is refused, and lowering oom_score_adj
# takes the writer's own CAP_SYS_RESOURCE, which the program never has
# (the sentry's is not lent).
check "a task's writable /proc files" "ENOTDIR EACCES EACCES" \
	"$(runp python3 -c 'import os, errno
out = []
fd = os.open("/proc/self/comm", os.O_WRONLY)
try: os.open("..", os.O_RDONLY, dir_fd=fd); out.append("OPENED")
except OSError as e: out.append(errno.errorcode[e.errno])
parent = os.getpid()
r, w = os.pipe()
if os.fork() == 0:
    os.setuid(1000)
    try: os.write(os.open("/proc/%d/oom_score_adj" % parent, os.O_WRONLY), b"900"); res = "WRITTEN"
    except OSError as e: res = errno.errorcode[e.errno]
    os.write(w, res.encode()); os._exit(0)
os.wait()
out.append(os.read(r, 100).decode())
try: os.write(os.open("/proc/self/oom_score_adj", os.O_WRONLY), b"-500"); out.append("LOWERED")
except OSError as e: out.append(errno.errorcode[e.errno])
print(" ".join(out))')"
# The sentry never waits for the program: reopening a named fifo that has
# no writer (an inherited one) must not block it; the fd is blocking as asked.
mkfifo "$work/fifo"
check "a partnerless fifo reopened through /proc/self/fd" "opened True|OPENED" \
	"$(timeout -s KILL 20 python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
if fd != 3:
    os.dup2(fd, 3)
os.set_inheritable(3, True)
os.execvp(sys.argv[2], sys.argv[2:])' "$work/fifo" "$veil" --backend=emulate \
		--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --proc /proc -- python3 -c 'import os, errno
r = os.open("/proc/self/fd/3", os.O_RDONLY)
print("opened", os.get_blocking(r), end="|")
try: os.open("/proc/self/fd/3", os.O_WRONLY | os.O_NONBLOCK); print("OPENED")
except OSError as e: print(errno.errorcode[e.errno])' 2>&1)"
# A host pty the sandbox did not allocate (held here, outside): by its
# number, by a device node the fakeroot makes with its number, by a
# symlink. None may open it, and nothing may reach its master.
python3 -c 'import os, sys, time
m, s = os.openpty()
os.set_blocking(m, False)
open(sys.argv[1] + "/ptyname.tmp", "w").write(os.ttyname(s))
os.rename(sys.argv[1] + "/ptyname.tmp", sys.argv[1] + "/ptyname")
for i in range(600):
    if os.path.exists(sys.argv[1] + "/ptydone"): break
    time.sleep(0.05)
try: got = os.read(m, 4096)
except BlockingIOError: got = b""
open(sys.argv[1] + "/ptygot", "wb").write(got)' "$work" &
holder=$!
for i in $(seq 100); do [ -e "$work/ptyname" ] && break; sleep 0.05; done
hostpty=$(basename "$(cat "$work/ptyname")")
devrun() {
	"$veil" --backend=emulate --uid 0 --gid 0 \
		--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --tmpfs /tmp --dev /dev \
		--setenv PATH /usr/bin --setenv N "$hostpty" -- "$@"
}
got=$(devrun python3 -c 'import os, errno
n = int(os.environ["N"])
def attempt(p):
    try:
        fd = os.open(p, os.O_RDWR | os.O_NOCTTY)
        os.write(fd, b"ESCAPED\n")
        return "OPENED"
    except OSError as e:
        return errno.errorcode[e.errno]
out = [attempt("/dev/pts/%d" % n)]
os.mknod("/dev/evil", 0o20666, os.makedev(136 + n // 256, n % 256))
out.append(attempt("/dev/evil"))
os.symlink("/dev/pts/%d" % n, "/tmp/l")
out.append(attempt("/tmp/l"))
out.append("listed" if str(n) in os.listdir("/dev/pts") else "unlisted")
print(" ".join(out))' 2>&1)
touch "$work/ptydone"
wait "$holder"
holder=
check "a host pty the sandbox did not allocate" "ENOENT ENXIO ENOENT unlisted" "$got"
check "nothing reached that pty" "" "$(cat "$work/ptygot")"

# The sandbox's own pty still refuses TIOCSTI (CVE-2017-5226's ioctl).
check "TIOCSTI on the sandbox's own pty" "EBADF" \
	"$(devrun python3 -c 'import os, fcntl, termios, errno
m, s = os.openpty()
try: fcntl.ioctl(s, termios.TIOCSTI, b"x"); print("PUSHED")
except OSError as e: print(errno.errorcode[e.errno])')"
# Host sockets outside every bind: a stream and a datagram socket on a
# path and an abstract name, and a TCP port on 127.0.0.1 (which the
# sandbox may reach: the emulate backend has the host's network). The
# listener counts what reaches the unix ones; that must stay 0.
python3 -c 'import socket, os, select, sys
w = sys.argv[1]
st = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); st.bind(w + "/host.sock"); st.listen(64)
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind(w + "/host.dgram")
ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); ab.bind("\0" + w + "/abstract"); ab.listen(64)
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen(1024)
inb = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); inb.bind(w + "/data/inbind.sock"); inb.listen(8)
open(w + "/port.tmp", "w").write(str(tcp.getsockname()[1])); os.rename(w + "/port.tmp", w + "/port")
hits = 0
while True:
    r, _, _ = select.select([st, dg, ab, tcp, inb], [], [])
    for s in r:
        if s is dg: s.recv(100)
        elif s is inb:
            c = s.accept()[0]; c.sendall(b"hello from the host"); c.close()
        else: s.accept()[0].close()
        if s is not tcp and s is not inb:
            hits += 1
            open(w + "/hits", "w").write(str(hits))' "$work" &
listener=$!
for i in $(seq 100); do [ -e "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
echo 0 > "$work/hits"

check "sendto a host unix socket outside the binds" "ENOENT ENOENT" \
	"$(run python3 -c 'import socket, os, errno
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
out = []
for p in (os.environ["SECRET"].replace("secret", "host.dgram"), os.environ["SECRET"].replace("secret", "host.sock")):
    try: s.sendto(b"x", p); out.append("SENT")
    except OSError as e: out.append(errno.errorcode[e.errno])
print(*out)')"
check "an abstract host socket" "refused" \
	"$(run python3 -c 'import socket, os
s = socket.socket(socket.AF_UNIX)
try: s.connect("\0" + os.environ["SECRET"].replace("secret", "abstract")); print("CONNECTED")
except OSError as e: print("refused")')"
# A thread flips one sockaddr between 127.0.0.1:PORT and the host socket's
# path while the main thread connects and sends with it, on unix and inet
# sockets: the sentry copies the address once and acts on its copy, so no
# call reaches a host unix socket.
check "a racing thread flipping AF_INET to AF_UNIX" "inet ok" \
	"$(run python3 -c 'import ctypes, os, socket, struct, threading, sys
libc = ctypes.CDLL(None, use_errno=True)
port = int(sys.argv[1])
host = os.environ["SECRET"].replace("secret", "host.sock").encode()
dgram = os.environ["SECRET"].replace("secret", "host.dgram").encode()
inet = struct.pack("=HH4s", socket.AF_INET, socket.htons(port), bytes([127, 0, 0, 1])).ljust(110, b"\0")
un = struct.pack("=H", socket.AF_UNIX) + host.ljust(108, b"\0")
und = struct.pack("=H", socket.AF_UNIX) + dgram.ljust(108, b"\0")
buf = ctypes.create_string_buffer(110)
stop = False
def flip():
    while not stop:
        ctypes.memmove(buf, inet, 110); ctypes.memmove(buf, un, 110)
        ctypes.memmove(buf, inet, 110); ctypes.memmove(buf, und, 110)
t = threading.Thread(target=flip); t.start()
inet_ok = 0
for i in range(600):
    for fam, typ in ((socket.AF_UNIX, socket.SOCK_STREAM), (socket.AF_INET, socket.SOCK_STREAM), (socket.AF_UNIX, socket.SOCK_DGRAM), (socket.AF_INET, socket.SOCK_DGRAM)):
        s = socket.socket(fam, typ)
        if typ == socket.SOCK_STREAM:
            if libc.connect(s.fileno(), buf, 110) == 0 and fam == socket.AF_INET: inet_ok += 1
        else:
            libc.sendto(s.fileno(), b"x", 1, 0, buf, 110)
        s.close()
stop = True; t.join()
print("inet ok" if inet_ok else "no inet connect")' "$port")"
# A host socket inside a bind is the sandbox's to reach, as under the
# kernel backend: the sentry connects to the inode the VFS resolved.
check "a host socket inside a bind" "hello from the host /data/inbind.sock" \
	"$(run python3 -c 'import socket
s = socket.socket(socket.AF_UNIX)
s.connect("/data/inbind.sock")
print(s.recv(100).decode(), s.getpeername().replace("'"$work"'", ""))')"
check "nothing reached the host unix sockets" "0" "$(cat "$work/hits")"

# Not an escape but the same rule: a watch nothing can deliver (a tmpfs
# directory, whose entries exist only in the sentry) fails loudly instead
# of staying silent; a host directory's watch is the kernel's own.
# (python names EOPNOTSUPP by its alias ENOTSUP.)
check "inotify watches that cannot deliver are refused" "ENOTSUP ENOTSUP ok" \
	"$(run python3 -c 'import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(0)
os.symlink("x", "/tmp/l")
out = []
for p, m in ((b"/tmp", 0x100), (b"/tmp/l", 0x4 | 0x02000000), (b"/data", 0x100)):
    out.append("ok" if libc.inotify_add_watch(fd, p, m) >= 0 else errno.errorcode[ctypes.get_errno()])
print(*out)')"

# The sandbox cannot reach the user's other processes through the calls
# that act on a pid: resource limits, priority, CPU affinity (a host
# process of the same uid, then the sandbox's own child, which it may).
sleep 60 &
outside=$!
check "limits, priority and affinity of a process outside: ESRCH" \
	"ESRCH ESRCH ESRCH EPERM | ok ok ok" \
	"$(run python3 -c 'import errno, os, resource, subprocess
def e(f):
    try:
        f()
        return "ok"
    except OSError as x:
        return errno.errorcode[x.errno]
pid = '"$outside"'
print(e(lambda: resource.prlimit(pid, resource.RLIMIT_NOFILE, (1, 1))),
      e(lambda: os.setpriority(os.PRIO_PROCESS, pid, 5)),
      e(lambda: os.sched_setaffinity(pid, {0})),
      e(lambda: os.setpriority(os.PRIO_USER, 0, 5)), end=" | ")
c = subprocess.Popen(["sleep", "5"])
print(e(lambda: resource.prlimit(c.pid, resource.RLIMIT_NOFILE, (5, 5))),
      e(lambda: os.setpriority(os.PRIO_PROCESS, c.pid, 5)),
      e(lambda: os.sched_setaffinity(c.pid, {0})))
c.kill()' 2>&1)"
check "the process outside kept its limit and priority" "$(ulimit -n) 0" \
	"$(prlimit --pid "$outside" --nofile --noheadings -o SOFT | tr -d ' ') $(ps -o ni= -p "$outside" | tr -d ' ')"
kill "$outside"

# chattr on a file of an overlay whose lower layer is a host tree: the
# program's fd before copy-up is the lower's host file, whose flags must
# not change (the kernel would copy up first; the sentry refuses).
echo low > "$work/data/lowfile"
check "chattr through an overlay leaves the lower host file alone" \
	"Operation not supported|--------" \
	"$("$veil" --backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --overlay-src "$work/data" \
		--tmp-overlay /ov -- python3 -c 'import fcntl, os, struct
fd = os.open("/ov/lowfile", os.O_RDONLY)
try:
    fcntl.ioctl(fd, 0x40086602, struct.pack("i", 0x40))
    print("set", end="|")
except OSError as e:
    print(os.strerror(e.errno), end="|")' 2>&1)$(lsattr "$work/data/lowfile" 2>/dev/null | cut -c1-8)"
