#!/bin/sh
# How the emulate backend starts: the cwd it picks, a --chdir that names
# nothing (worded as the kernel backend does), what it refuses by name,
# what --backend=auto picks, and the mount table --proc shows. TAP output.
#
#   emulate_start.sh VEIL MKBPF
set -u
veil=$1
MKBPF=$2
B="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp"
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
echo "1..17"
# shellcheck disable=SC2086
check "--chdir is honoured" "/usr/lib" "$("$veil" --backend=emulate $B --chdir /usr/lib /bin/pwd 2>&1)"
# shellcheck disable=SC2086
check "the caller's cwd when it exists inside" "/usr/share" \
	"$(cd /usr/share && "$veil" --backend=emulate $B /bin/pwd 2>&1)"
# shellcheck disable=SC2086
check "else /" "/" "$(cd /var && "$veil" --backend=emulate $B --unsetenv HOME /bin/pwd 2>&1)"
# shellcheck disable=SC2086
check "a --chdir to nothing fails as under the kernel backend" \
	"$("$veil" --backend=kernel $B --chdir /nope /bin/pwd 2>&1; echo "exit $?")" \
	"$("$veil" --backend=emulate $B --chdir /nope /bin/pwd 2>&1; echo "exit $?")"
# shellcheck disable=SC2086
check "an op it cannot realise is refused by name" \
	"veil: mqueue on \"/dev/mqueue\": --backend=emulate shows the sandbox's own queues only: add --unshare-ipc (or use --backend=kernel for the host's): Operation not supported|exit 1" \
	"$( ("$veil" --backend=emulate $B --mqueue /dev/mqueue /bin/true 2>&1; echo "exit $?") | tr '\n' '|' | sed 's/|$//')"
# shellcheck disable=SC2086
check "auto takes emulate where it can, the kernel otherwise" "emulate kernel" \
	"$(VEIL_DEBUG=1 "$veil" $B /bin/true 2>&1 | grep -q "auto: emulate, because" && echo emulate) $(VEIL_DEBUG=1 "$veil" $B --mqueue /dev/mqueue /bin/true 2>&1 | grep -q "auto: kernel" && echo kernel)"
# Namespaces whose pid goes out on a status fd are there to be entered
# (flatpak enter, bubblewrap's --userns on /proc/PID/ns/user): only the
# kernel backend's can be, so auto takes it where it works.
if unshare -U true 2>/dev/null || [ "$(id -u)" = 0 ]; then
	check "auto takes the kernel for namespaces behind --info-fd" "kernel emulate" \
		"$(VEIL_DEBUG=1 "$veil" $B --unshare-user --info-fd 3 /bin/true 3>/dev/null 2>&1 | grep -q "auto: kernel, because --info-fd" && echo kernel) $(VEIL_DEBUG=1 "$veil" $B --unshare-user /bin/true 2>&1 | grep -q "auto: emulate" && echo emulate)"
else
	n=$((n + 1)); echo "ok $n - auto takes the kernel for namespaces behind --info-fd # SKIP no namespaces here"
fi
# The mount table as /proc shows it: the kernel backend's mount points,
# types and sources (its masks are /dev/null binds, the emulate
# backend's proc's own empty files: their type is left out).
table() {
	"$veil" --backend="$1" $B --ro-bind /etc /etc --proc /proc \
		--overlay-src /usr/share/doc --tmp-overlay /ov \
		findmnt -n -l -o TARGET,FSTYPE,SOURCE 2>&1 |
		sed -E 's#^(/proc/(keys|timer_list|kcore|sysrq-trigger)) .*#\1#; s#^/ +tmpfs +tmpfs.*#/ tmpfs tmpfs#' |
		tr -s ' '
}
check "--proc's mount table (an overlay too) is the kernel backend's" "$(table kernel)" "$(table emulate)"
# POSIX message queues without an IPC namespace of the sandbox's own
# (mq_open is refused then): --mqueue fails at start, by name, before
# anything runs; with --unshare-ipc it shows the sandbox's queues.
# shellcheck disable=SC2086
check "--mqueue without --unshare-ipc is refused by name at start" \
	"veil: mqueue on \"/dev/mqueue\": --backend=emulate shows the sandbox's own queues only: add --unshare-ipc (or use --backend=kernel for the host's): Operation not supported|exit 1" \
	"$( ("$veil" --backend=emulate $B --dev /dev --mqueue /dev/mqueue /bin/echo RAN 2>&1; echo "exit $?") | tr '\n' '|' | sed 's/|$//')"
# Binds of what is not a directory, data from fds and a bind by fd: the
# same files, contents, refusals and mount table lines as the kernel
# backend's.
binds() {
	echo hello >"$tmp/hf"
	# shellcheck disable=SC2086
	"$veil" --backend="$1" $B --proc /proc --ro-bind /etc/hostname /etc/hostname \
		--bind "$tmp/hf" /tmp/x/hf --ro-bind-data 3 /etc/motd --bind-data 4 /etc/rw \
		--dev-bind /dev/null /tmp/null --bind-fd 5 /tmp/viafd -- sh -c '
		cat /tmp/x/hf; echo more >> /tmp/x/hf; ls -l /etc/motd /etc/rw | cut -c1-10
		cat /etc/motd; echo x 2>&1 > /etc/motd; echo y >> /etc/rw; cat /etc/rw
		echo z > /tmp/null && echo "null took it"; cat /tmp/viafd
		grep -E " /etc/motd | /tmp/x/hf | /tmp/null " /proc/self/mountinfo |
			cut -d" " -f4-6 | sed "s#^/bindfile.*//deleted#BINDFILE//deleted#;
				s#^/.veil-bind-data.*//deleted#BINDFILE//deleted#"' \
		3<<EOF1 4<<EOF2 5<"$tmp/hf" 2>&1
data-three
EOF1
data-four
EOF2
	cat "$tmp/hf"
}
tmp=$(mktemp -d)
check "binds of files, devices, data and fds as under the kernel backend" \
	"$(binds kernel)" "$(binds emulate)"
rm -rf "$tmp"
# --sync-fd, --block-fd, --lock-file and --seccomp as the kernel backend
# has them: the program holds no sync fd, runs only once the block fd has
# a byte, the lock is held (seen from outside) while it runs and gone
# after, and the spec's filter refuses what it names.
extras() {
	d=$(mktemp -d)
	mkfifo "$d/block"
	: >"$d/lk"
	# The holder of the lock, from outside: F_OFD_GETLK for a write lock.
	held='import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
r = fcntl.fcntl(fd, fcntl.F_OFD_GETLK, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
print("locked" if struct.unpack("hhqqi", r)[0] != fcntl.F_UNLCK else "free")'
	# shellcheck disable=SC2086
	"$veil" --backend="$1" $B --bind "$d" /d --sync-fd 3 --block-fd 4 --lock-file /d/lk \
		--seccomp 5 -- sh -c ': >/d/ran; echo ran; echo x >&3 || echo "no sync fd"
			echo "lock while it runs: $(python3 -c "$1" /d/lk)"
			mkdir /tmp/m 2>&1; echo "mkdir: $?"' sh "$held" \
		3>"$d/sync" 4<>"$d/block" 5<"$bpf" 2>&1 &
	# 4<> opens the fifo without waiting for a writer: veil starts at
	# once, and only --block-fd keeps the program from running.
	sleep 0.5
	[ -e "$d/ran" ] && echo "ran before the byte" || echo "blocked"
	echo unblock >"$d/block"
	wait
	echo "lock after: $(python3 -c "$held" "$d/lk")"
	rm -rf "$d"
}
bpf=$(mktemp)
"$MKBPF" 1 mkdir mkdirat >"$bpf"
check "--sync-fd, --block-fd, --lock-file, --seccomp as under the kernel backend" \
	"$(extras kernel)" "$(extras emulate)"
rm -f "$bpf"
# A --seccomp program the kernel refuses (an opcode it does not know):
# the kernel backend's message and status, not one of the emulate
# backend's own.
bad_filter() {
	# shellcheck disable=SC2086
	python3 -c 'import sys; sys.stdout.buffer.write(b"\xff\xff" + bytes(6))' |
		"$veil" --backend="$1" $B --seccomp 5 -- true 5<&0 2>&1
	echo "exit $?"
}
check "a --seccomp program the kernel refuses, as under the kernel backend" \
	"$(bad_filter kernel)" "$(bad_filter emulate)"
# A --seccomp program that refuses the syscalls the emulate backend's exec
# by fd has the program run (execveat, mseal, unshare; bubblewrap's
# test-seccomp.py allowlist names execve only): the program runs, execs
# again inside, and its own calls of them still meet its program's errno
# (unshare, and an unshare(CLONE_FILES) with a guessed secret in an
# argument the kernel ignores). A program that refuses execve refuses
# the first exec too, as bubblewrap loads it before its execve.
steps() {
	# shellcheck disable=SC2086
	"$veil" --backend="$1" $B --seccomp 5 -- sh -c '/bin/true && echo exec again
		unshare -U true 2>&1
		python3 -c "import ctypes, os; l = ctypes.CDLL(None, use_errno=True)
r = l.syscall(272, 0x400, 0, 0, 0, 0, ctypes.c_uint64(0x1234567887654321))
print(r, os.strerror(ctypes.get_errno()))"' 5<"$bpf" 2>&1
	echo "exit $?"
	"$veil" --backend="$1" $B --seccomp 5 -- true 5<"$bpf2" 2>&1
	echo "exit $?"
}
bpf=$(mktemp)
bpf2=$(mktemp)
"$MKBPF" 38 execveat 462 unshare >"$bpf" # 462: mseal
"$MKBPF" 1 execve >"$bpf2"
check "a --seccomp program refusing the exec steps' syscalls, as under the kernel backend" \
	"$(steps kernel)" "$(steps emulate)"
rm -f "$bpf" "$bpf2"
# A program of 4,096 instructions leaves no room for the steps' prefix:
# emulate says so by name, auto takes the kernel backend, which runs it.
long_program() {
	# shellcheck disable=SC2086
	out=$(python3 -c 'import sys; sys.stdout.buffer.write(b"\x06\0\0\0\0\0\xff\x7f" * 4096)' |
		"$veil" --backend="$1" $B --seccomp 5 -- true 5<&0 2>&1)
	st=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/ (--backend=kernel.*//'
	echo "exit $st"
}
check "a --seccomp program too long for the exec steps: named by emulate, auto takes the kernel" \
	"$(printf '%s\n' "veil: seccomp program 1 of 1 (--seccomp / --add-seccomp-fd) has 4096 instructions; the emulate backend adds 21 of its own, and the kernel takes at most 4096" "exit 125" "exit 0")" \
	"$(long_program emulate; long_program auto)"
# --unshare-uts and --hostname: the sandbox's own names, changed by its
# root as in a uts namespace of its own (never without --unshare-uts:
# under the kernel backend a root caller's sandbox would rename the host).
uts() {
	# root of a user namespace of its own (--unshare-user --uid 0), so the
	# names it changes are its uts namespace's under the kernel backend
	# too, whoever runs the test
	# shellcheck disable=SC2086
	"$veil" --backend="$1" $B --proc /proc --unshare-user --uid 0 --unshare-uts \
		--hostname veil-h -- sh -c '
		hostname; uname -n; cat /proc/sys/kernel/hostname
		python3 -c "import socket; print(socket.gethostname())"
		hostname other && domainname dom
		python3 -c "import socket
try: socket.sethostname(\"x\" * 65)
except OSError as e: print(\"65 bytes:\", e.errno)"
		python3 -c "import ctypes
libc = ctypes.CDLL(None, use_errno=True)
# the kernel takes len as an int: upper bits ignored, a negative one EINVAL
for n in (1 << 32 | 3, -1):
    r = libc.syscall(170, b\"abc\", ctypes.c_long(n))
    print(\"len\", n, r, ctypes.get_errno() if r else 0)"
		uname -n; cat /proc/sys/kernel/hostname; domainname' 2>&1
}
host_name=$(uname -n)
check "--unshare-uts --hostname as under the kernel backend" "$(uts kernel)" "$(uts emulate)"
# Without --unshare-uts the host's names are never the sandbox's.
# shellcheck disable=SC2086
check "no --unshare-uts: sethostname refused, the host's name kept" "EPERM $host_name" \
	"$("$veil" --backend=emulate $B --uid 0 -- python3 -c 'import errno, os, socket
try: socket.sethostname("x")
except OSError as e: print(errno.errorcode[e.errno], end=" ")
print(os.uname().nodename)' 2>&1)"
# VEIL_STATS=1: at the end, one line of what the sentry served, the
# busiest call first (five stats of one file, so newfstatat or statx
# leads), and nothing without it.
# shellcheck disable=SC2086
check "VEIL_STATS tells what the sentry served" "yes no" \
	"$(VEIL_STATS=1 "$veil" --backend=emulate $B -- sh -c 'for i in 1 2 3 4 5 6 7 8; do [ -e /usr ]; done' 2>&1 >/dev/null |
		grep -Eq '^veil: stats: [0-9]+ calls served, [0-9]+ ptrace stops, (newfstatat|statx|stat) [0-9]+' && echo yes || echo no) $("$veil" --backend=emulate $B -- true 2>&1 | grep -q stats && echo yes || echo no)"
