#!/bin/sh
# Bad input to veil's fds and filters (veil issue 18), under each backend:
# a status fd whose reader is gone, status fds given as 2, one fd given to
# --file and --info-fd, a --seccomp program that fails every syscall. veil
# must say what went wrong, never die silently, never close the program's
# stderr. TAP output.
#
#   bad_input.sh VEIL MKBPF
set -u
veil=$1
mkbpf=$2
T=$(mktemp -d /tmp/veil-badin.XXXXXX)
trap 'rm -rf "$T"' EXIT
B="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp"
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
has() { grep -q "$2" "$1" && echo yes || echo "no: $(head -c 300 "$1")"; }
# A seccomp program of one instruction: BPF_RET|BPF_K with the action given
# (little-endian k), so every syscall gets it.
ret_all() { printf '\006\000\000\000%b' "$1" >"$T/$2.bpf"; }
ret_all '\001\000\005\000' errno   # SECCOMP_RET_ERRNO | EPERM
ret_all '\000\000\300\177' notif   # SECCOMP_RET_USER_NOTIF, no listener
ret_all '\000\000\360\177' trace   # SECCOMP_RET_TRACE, no tracer
"$mkbpf" 1 openat >"$T/openat.bpf"
"$mkbpf" trace chdir >"$T/chdir.bpf"
echo "1..31"
for b in kernel emulate; do
	# shellcheck disable=SC2086
	run() { timeout 20 "$veil" --backend=$b $B "$@"; }

	# --info-fd on a pipe whose reader is gone: bubblewrap's message,
	# not a silent SIGPIPE.
	# (A FIFO opened both ways, then its read end closed: no race with
	# a reader's exit.)
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	{ exec 5<&-; run --info-fd 3 true 2>"$T/err"; } 5<>"$T/fifo" 3>"$T/fifo"
	check "$b: --info-fd to a pipe with no reader: message" yes "$(has "$T/err" 'Write to info_fd')"

	# A status fd given as 2 leaves the program's stderr (and veil's) open.
	for f in --info-fd --json-status-fd --sync-fd; do
		run $f 2 sh -c 'echo prog-err >&2' 2>"$T/err" >/dev/null
		check "$b: $f 2 keeps stderr" yes "$(has "$T/err" prog-err)"
	done

	# One fd as --file's data and as --info-fd: refused with a message.
	printf hello >"$T/data"
	run --file 3 /tmp/x --info-fd 3 true 3<"$T/data" 2>"$T/err"
	check "$b: one fd for --file and --info-fd: status" 1 "$?"
	check "$b: one fd for --file and --info-fd: message" yes "$(has "$T/err" 'also given as a data fd')"

	# A filter failing every syscall: the program never runs, and veil
	# says so with its own status (125: could not start), not 139 as if the
	# program crashed.
	for a in errno notif trace; do
		run --seccomp 3 true 3<"$T/$a.bpf" 2>"$T/err"
		rc=$?
		check "$b: --seccomp failing every syscall ($a): status and message" "125 yes" \
			"$rc $(has "$T/err" 'seccomp')"
	done

	# The program's filter binds the program, not veil's own steps to
	# start it: denying openat, the program starts (and its loader fails).
	run --seccomp 3 /bin/true 3<"$T/openat.bpf" 2>"$T/err"
	check "$b: --seccomp denying openat: the program starts" "yes" \
		"$(grep -q execvp "$T/err" && echo "no: $(cat "$T/err")" || has "$T/err" 'shared')"
	# A TRACE of the program's own filter fails the call as with no
	# tracer, even for a syscall the sentry traces itself (chdir).
	out=$(run --seccomp 3 /bin/sh -c 'cd /usr && echo moved' 3<"$T/chdir.bpf" 2>&1)
	check "$b: --seccomp tracing chdir: the call fails" yes \
		"$(echo "$out" | grep -q "can't cd" && echo yes || echo "no: $out")"
done

# A long VEIL_SCRATCH (more than sun_path's 108 bytes with its own
# names) must not fail every unix socket bind under emulate.
long="$T/$(printf 'd%.0s' $(seq 1 120))"
mkdir -p "$long"
out=$(VEIL_SCRATCH=$long timeout 20 "$veil" --backend=emulate $B -- python3 -c '
import socket
s = socket.socket(socket.AF_UNIX); s.bind("/tmp/s"); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect("/tmp/s")
a, _ = s.accept(); c.send(b"hi"); print(a.recv(2).decode(), s.getsockname())' 2>&1)
check "emulate: unix socket bind with a long VEIL_SCRATCH" "hi /tmp/s" "$out"

# What a message quotes is capped and escaped: NUL-less --args of 1 MiB,
# an argument with an escape sequence.
head -c 1048576 /dev/zero | tr '\0' a >"$T/args"
"$veil" --args 3 3<"$T/args" 2>"$T/err"
check "--args data quoted: message capped" yes "$([ "$(wc -c <"$T/err")" -le 1100 ] && echo yes || wc -c <"$T/err")"
"$veil" "$(printf -- '--x\033[31mred')" 2>"$T/err"
check "control bytes in a message: escaped" "veil: Unknown option --x\\x1b[31mred" "$(cat "$T/err")"

# Kernel backend: --ro-bind-fd on the root is no race.
out=$(timeout 20 "$veil" --backend=kernel --ro-bind-fd 3 / /bin/sh -c 'echo root-bound' 3</usr 2>&1)
check "kernel: --ro-bind-fd DIR /" "root-bound" "$out"
# --lock-file on a FIFO no one writes: locked, not a setup that hangs.
mkfifo "$T/fifo2"
timeout 20 "$veil" --backend=kernel $B --ro-bind "$T" "$T" --lock-file "$T/fifo2" true 2>"$T/err"
check "kernel: --lock-file on a FIFO does not block" 0 "$?"
# --lock-file opened without setup's capabilities: a symlink planted to
# another user's 0600 file is refused, as by bubblewrap.
if [ "$(id -u)" = 0 ]; then
	echo secret >"$T/other"; chown 65534 "$T/other"; chmod 600 "$T/other"
	chmod 755 "$T"; ln -s "$T/other" "$T/planted"
	timeout 20 "$veil" --backend=kernel $B --ro-bind "$T" "$T" --lock-file "$T/planted" true 2>"$T/err"
	check "kernel: --lock-file to another user's 0600 file: refused" "125 yes" \
		"$? $(has "$T/err" "Unable to open lock file $T/planted: Permission denied")"
else
	n=$((n + 1)); echo "ok $n # SKIP needs root"
fi

# Messages that name the flag and what is wrong (issue 18 item 6).
printf '\025\000\000\000\000\000\000\000' >"$T/bad.bpf" # a jump with no return
for b in kernel emulate; do
	timeout 20 "$veil" --backend=$b $B --seccomp 3 true 3<"$T/bad.bpf" 2>"$T/err"
	check "$b: malformed --seccomp program: named, not CONFIG_SECCOMP" yes \
		"$(has "$T/err" 'refused seccomp program 1 of 1 (--seccomp')"
done
rm -f "$T/ub"; mkfifo "$T/ub"
(sleep 0.2; echo x >"$T/ub") &
timeout 20 "$veil" --backend=kernel --unshare-user $B --info-fd 4 --userns-block-fd 3 true \
	3<"$T/ub" 4>/dev/null 2>"$T/err"
check "kernel: --userns-block-fd with no maps written: named" yes \
	"$(has "$T/err" 'userns-block-fd 3: /proc/self/uid_map is empty')"
wait
