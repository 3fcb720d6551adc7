#!/bin/sh
# What bubblewrap's own test suite (tests/external/bubblewrap.sh) found
# veil doing differently, checked under both backends: --dir on an existing
# directory, the parents --perms narrows, --symlink onto another symlink,
# --json-status-fd after a failed exec, the usage line, --level-prefix and
# VEIL_BACKEND. TAP output.
#
#   bwrap_parity.sh VEIL MKBPF
set -u
veil=$(realpath "$1")
MKBPF=$2
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
dir=$(mktemp -d /var/tmp/veil-parity.XXXXXX)
trap 'chmod -R u+rwx "$dir"; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
# /var/tmp, not /tmp: the sandboxes below put a tmpfs on /tmp.
B="--bind / / --tmpfs /tmp"
dir=$(realpath "$dir")
echo "1..28"
ln -s "$veil" "$dir/bwrap"
for b in kernel emulate; do
	# veil's exit statuses (docs/cli.md): 1 for a refused command line,
	# 125 for a sandbox that could not start (a missing source, a program
	# that is not there); named bwrap, 1 for both, as bubblewrap.
	st=""
	for prog in "$veil" "$dir/bwrap"; do
		"$prog" --backend=$b --no-such-flag true 2>/dev/null; st="$st $?"
		"$prog" --backend=$b $B --ro-bind "$dir/none" /x true 2>/dev/null; st="$st $?"
		"$prog" --backend=$b $B "$dir/none" 2>/dev/null; st="$st $?"
	done
	check "$b: exit statuses as veil, then as bwrap" " 1 125 125 1 1 1" "$st"
	# bubblewrap's mkdir leaves an existing directory's mode alone (here a
	# bound host directory: a chmod would change the host).
	mkdir "$dir/e-$b" "$dir/e2-$b"
	chmod 0710 "$dir/e-$b"
	chmod 0754 "$dir/e2-$b"
	# shellcheck disable=SC2086
	"$veil" --backend=$b $B --dir "$dir/e-$b" --perms 0741 --dir "$dir/e2-$b" true
	check "$b: --dir on an existing directory keeps its mode" "710 754" \
		"$(stat -c %a "$dir/e-$b") $(stat -c %a "$dir/e2-$b")"
	# Parents lose group/other access the op's perms deny.
	# shellcheck disable=SC2086
	"$veil" --backend=$b $B --perms 0750 --dir "$dir/p-$b/a/d" \
		--perms 0604 --dir "$dir/q-$b/d" --perms 0000 --dir "$dir/r-$b/d" true
	check "$b: parents of --perms --dir are narrowed as bubblewrap's" "750 750 705 700" \
		"$(stat -c %a "$dir/p-$b" "$dir/p-$b/a" "$dir/q-$b" "$dir/r-$b" | tr '\n' ' ' | sed 's/ $//')"
	ln -s /dev/null "$dir/l-$b"
	# shellcheck disable=SC2086
	check "$b: --symlink onto a different symlink: bubblewrap's message" \
		"veil: Can't make symlink at $dir/l-$b: existing destination is /dev/null" \
		"$("$veil" --backend=$b $B --symlink /dev/full "$dir/l-$b" true 2>&1)"
	# shellcheck disable=SC2086
	check "$b: --symlink onto the same symlink is fine" "0" \
		"$("$veil" --backend=$b $B --symlink /dev/null "$dir/l-$b" true 2>&1; echo $?)"
	# A program that never started has no exit code to report.
	# shellcheck disable=SC2086
	"$veil" --backend=$b $B --json-status-fd 9 / 9>"$dir/js-$b" 2>/dev/null
	check "$b: no exit-code on --json-status-fd after a failed exec" "child-pid yes, exit-code no" \
		"child-pid $(grep -q '"child-pid": [0-9]' "$dir/js-$b" && echo yes || echo no), exit-code $(grep -q exit-code "$dir/js-$b" && echo yes || echo no)"
	# shellcheck disable=SC2086
	"$veil" --backend=$b $B --json-status-fd 9 sh -c 'exit 3' 9>"$dir/js-$b"
	check "$b: an exit code after a program that ran" '{ "exit-code": 3 }' "$(tail -n 1 "$dir/js-$b")"
	# VEIL_BACKEND picks the backend, --backend still wins. Which one ran
	# shows in the mount namespace's id: the kernel's hands them out from
	# 0xF0000000, the sentry's are 0xF8000000 and above (sentry.c).
	backend_of() { # MNT-LINK
		id=$(echo "$1" | tr -dc 0-9)
		[ "${id:-0}" -ge 4160749568 ] && echo emulate || echo kernel
	}
	# shellcheck disable=SC2086
	got=$(backend_of "$(VEIL_BACKEND=$b "$veil" $B readlink /proc/self/ns/mnt)")
	other=emulate
	[ $b = emulate ] && other=kernel
	# shellcheck disable=SC2086
	got="$got $(backend_of "$(VEIL_BACKEND=$other "$veil" --backend=$b $B readlink /proc/self/ns/mnt)")"
	check "$b: VEIL_BACKEND=$b picks it, --backend=$b wins over VEIL_BACKEND=$other" "$b $b" "$got"
	# PWD names the cwd taken, after --clearenv too.
	# shellcheck disable=SC2086
	check "$b: --clearenv leaves PWD, the cwd" "PWD=$dir" \
		"$(cd "$dir" && FOO=1 "$veil" --backend=$b $B --clearenv /usr/bin/env 2>&1)"
done
# A setup syscall that fails unexpectedly stops the sandbox before exec (so
# no exit-code is reported, bubblewrap's check 33): here a caller's filter
# fails the bounding-set read of capability 36 (PR_CAPBSET_READ is 23),
# which the kernel backend took for the last capability and so left 36..40
# in the bounding set after --cap-drop ALL.
"$MKBPF" --run 38 prctl:0=23:1=36 -- "$veil" --backend=kernel $B --cap-drop ALL \
	--json-status-fd 9 sh -c 'grep CapBnd /proc/self/status' 9>"$dir/js-capread" >"$dir/capread" 2>&1
check "kernel: a failed capability read stops the setup" \
	"veil: Reading the capability bounding set failed: Function not implemented, exit-code no" \
	"$(cat "$dir/capread"), exit-code $(grep -q exit-code "$dir/js-capread" && echo yes || echo no)"
# --userns and --pidns (bubblewrap's test-specifying-*.sh): a second
# sandbox joins the first one's user and pid namespaces.
mkfifo "$dir/fifo"
# shellcheck disable=SC2086
timeout 20 "$veil" --backend=kernel $B --unshare-user --unshare-pid --info-fd 8 \
	sh -c 'readlink /proc/self/ns/user /proc/self/ns/pid > "$0/ns1"; cat "$0/fifo"' "$dir" \
	8>"$dir/info1" >/dev/null 2>&1 &
i=0
while [ ! -s "$dir/ns1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
pid1=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$dir/info1")
# LeakSanitizer cannot stop the world from inside the joined pid namespace
# (bubblewrap's test-specifying-pidns.sh turns it off too).
# shellcheck disable=SC2086
ns2=$(ASAN_OPTIONS=detect_leaks=0 LSAN_OPTIONS=detect_leaks=0 timeout 20 "$veil" $B \
	--userns 7 --pidns 6 readlink /proc/self/ns/user /proc/self/ns/pid \
	7<"/proc/$pid1/ns/user" 6<"/proc/$pid1/ns/pid" 2>&1)
# Never waits: the first sandbox may be gone already.
timeout 5 sh -c 'echo done > "$0"' "$dir/fifo"
wait
check "--userns --pidns join another sandbox's namespaces (auto takes the kernel)" \
	"$(cat "$dir/ns1")" "$ns2"
# shellcheck disable=SC2086
check "--userns: emulate refuses it by name" \
	"veil: --userns: --backend=emulate has no user namespace; use --backend=kernel" \
	"$("$veil" --backend=emulate $B --userns 7 true 7</proc/self/ns/user 2>&1)"
# Under --disable-userns a nested veil asked for --unshare-user refuses,
# as a nested bubblewrap does, even under the emulate backend (which only
# emulates one); without --disable-userns it runs.
# shellcheck disable=SC2086
check "a nested emulate --unshare-user under --disable-userns refuses" \
	"veil: Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces exceeded (ENOSPC)|exit 1" \
	"$("$veil" --backend=kernel --unshare-user --disable-userns --dev-bind / / -- \
		sh -c '"$0" --backend=emulate --unshare-user --dev-bind / / true 2>&1; echo "exit $?"' "$veil" 2>&1 |
		tr '\n' '|' | sed 's/|$//')"
# shellcheck disable=SC2086
check "a nested emulate --unshare-user runs without --disable-userns" "exit 0" \
	"$("$veil" --backend=kernel --unshare-user --dev-bind / / -- \
		sh -c '"$0" --backend=emulate --unshare-user --dev-bind / / true 2>&1; echo "exit $?"' "$veil" 2>&1)"
# chroot under the emulate backend: the kernel's checks on the path first
# (bubblewrap's test-seccomp.py wants EFAULT for chroot(1)), then the
# change of root, as bubblewrap allows it to a holder of CAP_SYS_CHROOT.
# shellcheck disable=SC2086
check "emulate: chroot checks its path as the kernel, then changes the root" "EFAULT ENOENT ENOTDIR ok" \
	"$("$veil" --backend=emulate $B /usr/bin/python3 -c 'import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
out = []
for p in [ctypes.c_void_p(1), b"/nonexistent", b"/etc/passwd", b"/usr"]:
    r = libc.chroot(p)
    out.append(errno.errorcode[ctypes.get_errno()] if r else "ok")
print(" ".join(out))' 2>&1)"
# The usage line names the program as invoked, as bubblewrap's does.
check "usage names argv[0]" "usage: $dir/bwrap [OPTIONS...] [--] COMMAND [ARGS...]" \
	"$("$dir/bwrap" --help | head -n 1)"
# shellcheck disable=SC2086
check "--level-prefix: a warning's level" "<4>bwrap: Only the last --chdir option will take effect" \
	"$("$dir/bwrap" $B --level-prefix --chdir / --chdir / true 2>&1)"
# Capabilities through prctl (capsh --print, bubblewrap's "we have the
# expected caps as uid 0"): the bounding and ambient sets, keep-caps, a
# drop, a raise; /proc/self/status's Cap lines. Under emulate they are the
# sandbox's credentials, not the host process's (which has none).
caps_probe='
import ctypes, errno
l = ctypes.CDLL(None, use_errno=True)
def p(*a):
    r = l.prctl(*[ctypes.c_ulong(x) for x in a] + [ctypes.c_ulong(0)] * (5 - len(a)))
    return r if r >= 0 else errno.errorcode[ctypes.get_errno()]
out = ["".join(str(p(23, c)) for c in range(41)), "".join(str(p(47, 1, c)) for c in range(41))]
out += [p(23, 99), p(8, 2), p(8, 1), p(7), p(24, 5), p(23, 5), p(47, 2, 12), p(47, 1, 12),
        p(47, 3, 12), p(47, 1, 12), p(47, 4, 0), p(47, 1, 21), p(47, 4, 1), p(47, 9, 0), p(24, 99)]
out += [l for l in open("/proc/self/status") if l.startswith("Cap")]
print(" ".join(str(x).strip() for x in out))'
for drop in "" "--cap-drop CAP_KILL --cap-drop CAP_FOWNER"; do
	if [ "$(id -u)" != 0 ]; then
		echo "ok $((n += 1)) - capabilities through prctl ($drop) # SKIP as root only"
		continue
	fi
	# shellcheck disable=SC2086
	check "capabilities through prctl, emulate = kernel ($drop)" \
		"$("$veil" --backend=kernel $B $drop python3 -c "$caps_probe" 2>&1)" \
		"$("$veil" --backend=emulate $B $drop python3 -c "$caps_probe" 2>&1)"
done
