#!/bin/sh
# The upper directory the emulate backend's --overlay writes is in
# overlayfs's on-disk format for a user namespace (userxattr): xwhiteouts
# (a zero-size file with user.overlay.whiteout in a directory marked
# user.overlay.opaque=x), opaque directories user.overlay.opaque=y, no
# device nodes and no trusted.* xattrs, which an unprivileged user could
# not make. The kernel reads xwhiteouts in lower layers, so the kernel
# backend mounts that upper later as the top lower layer and must list the
# same tree as the emulate backend did. Run as an unprivileged user (as
# root, through setpriv, after root's own round trip in the classic
# format). TAP output, the plan last.
#
#   overlay_roundtrip.sh VEIL
set -u
veil=$1
n=${3:-0}
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3" | head -20; fi
}
base="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64"
list='cd /o && find . | sort && cat a lo/n && stat -c "%n %s %F %a" $(find . | sort)'
change='cd /o && echo more >> a && rm gone d/x && rm -r lo && mkdir lo && echo n > lo/n &&
	echo c > c && ln -s a la && mkdir e && touch e/f && echo done'
trees() {
	mkdir -p "$1/l1/d" "$1/l1/lo" "$1/l2/d" "$1/u" "$1/w" "$1/w2"
	(cd "$1" && echo a1 > l1/a && echo x > l1/d/x && echo y > l1/d/y && echo z > l2/d/z &&
	 echo gone > l1/gone && echo f > l1/lo/f && echo high > l2/both)
}
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { echo "1..0 # SKIP no setpriv"; exit 0; }
	dir=$(mktemp -d /tmp/veil-ovrt.XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	# As root in the initial user namespace both backends use overlayfs's
	# classic format (0/0 whiteouts, trusted.overlay.*): the kernel mounts
	# the emulate-written upper as its upper.
	R=$dir/root
	trees "$R"
	lowers="--overlay-src $R/l1 --overlay-src $R/l2"
	# shellcheck disable=SC2086
	check "root: emulate writes through --overlay" "done" \
		"$("$veil" --backend=emulate $base $lowers --overlay "$R/u" "$R/w" /o -- sh -c "$change" 2>&1)"
	# shellcheck disable=SC2086
	emu=$("$veil" --backend=emulate $base $lowers --overlay "$R/u" "$R/w" /o -- sh -c "$list" 2>&1)
	# shellcheck disable=SC2086
	kern=$("$veil" --backend=kernel $base $lowers --overlay "$R/u" "$R/w2" /o -- sh -c "$list" 2>&1)
	check "root: the kernel mounts the emulate-written upper as its upper" "$emu" "$kern"
	check "root: 0/0 whiteouts" "2" "$(find "$R/u" -type c | wc -l)"
	# and the other way: an upper the kernel wrote, read by emulate
	K=$dir/rootk
	trees "$K"
	klowers="--overlay-src $K/l1 --overlay-src $K/l2"
	# shellcheck disable=SC2086
	"$veil" --backend=kernel $base $klowers --overlay "$K/u" "$K/w" /o -- sh -c "$change" >/dev/null 2>&1
	# shellcheck disable=SC2086
	kern=$("$veil" --backend=kernel $base $klowers --overlay "$K/u" "$K/w" /o -- sh -c "$list" 2>&1)
	# shellcheck disable=SC2086
	emu=$("$veil" --backend=emulate $base $klowers --overlay "$K/u" "$K/w2" /o -- sh -c "$list" 2>&1)
	check "root: emulate reads an upper the kernel wrote" "$kern" "$emu"
	cp "$veil" "$dir/veil"
	cp "$0" "$dir/test.sh"
	chmod 755 "$dir/veil" "$dir/test.sh"
	chown 65534:65534 "$dir"
	cd /
	setpriv --reuid=65534 --regid=65534 --clear-groups sh "$dir/test.sh" "$dir/veil" "$dir" "$n"
	exit $?
fi
if [ $# -ge 2 ]; then
	T=$2/t
else
	T=$(mktemp -d /tmp/veil-ovrt.XXXXXX)
	trap 'rm -rf "$T"' EXIT
	T=$T/t
fi
trees "$T"
lowers="--overlay-src $T/l1 --overlay-src $T/l2"
check "not root" "65534" "$(id -u)"
# shellcheck disable=SC2086
out=$("$veil" --backend=emulate $base $lowers --overlay "$T/u" "$T/w" /o -- sh -c "$change" 2>&1)
check "emulate writes through --overlay" "done" "$out"
# shellcheck disable=SC2086
emu=$("$veil" --backend=emulate $base $lowers --overlay "$T/u" "$T/w" /o -- sh -c "$list" 2>&1)
# shellcheck disable=SC2086
emu_ro=$("$veil" --backend=emulate $base $lowers --overlay-src "$T/u" --ro-overlay /o -- \
	sh -c "$list" 2>&1)
# shellcheck disable=SC2086
kern=$("$veil" --backend=kernel $base $lowers --overlay-src "$T/u" --ro-overlay /o -- \
	sh -c "$list" 2>&1)
check "the emulate backend's view has the changes" "./c ./e/f ./lo/n" \
	"$(printf '%s\n' "$emu" | grep -E '^\./(c|e/f|lo/n)$' | tr '\n' ' ' | sed 's/ $//')"
check "the kernel lists the emulate-written upper as emulate did" "$emu" "$kern"
check "emulate reads it back as a lower the same way" "$emu" "$emu_ro"
check "whited out names are gone" "" "$(printf '%s\n' "$kern" | grep -E '^\./(gone|d/x|lo/f)$')"
check "no device nodes in the upper" "0" "$(find "$T/u" -type c | wc -l)"
xattrs=$(python3 -c '
import os, sys
t = sys.argv[1]
def x(p, n):
    try: return os.getxattr(p, n).decode() or "(empty)"
    except OSError as e: return e.strerror
print(x(t, "user.overlay.opaque"), x(t + "/gone", "user.overlay.whiteout"),
      x(t + "/d", "user.overlay.opaque"), x(t + "/d/x", "user.overlay.whiteout"),
      x(t + "/lo", "user.overlay.opaque"), os.path.getsize(t + "/gone"))
' "$T/u" 2>&1)
check "xwhiteouts and opaque markers" "x (empty) x (empty) y 0" "$xattrs"
# shellcheck disable=SC2086
kern_up=$("$veil" --backend=kernel $base $lowers --overlay-src "$T/u" --tmp-overlay /o -- \
	sh -c 'cd /o && rm a && echo again > gone && ls' 2>&1)
check "the kernel's overlay on top of it changes it further" "$(printf 'both\nc\nd\ne\ngone\nla\nlo')" "$kern_up"
# A read-only lower file copied up by an unprivileged sentry.
echo ro > "$T/l1/ro" && chmod 444 "$T/l1/ro"
# shellcheck disable=SC2086
check "a 0444 lower file copies up" "600 ro" \
	"$("$veil" --backend=emulate $base $lowers --overlay "$T/u" "$T/w" /o -- \
	   sh -c 'chmod 600 /o/ro && stat -c %a /o/ro && cat /o/ro' 2>&1 | tr '\n' ' ' | sed 's/ $//')"
# Overlapping layers: what overlayfs refuses, and the one case it mounts
# (an upper inside a lower, with ELOOP traps inside) that emulate refuses.
mkdir -p "$T/u/in"
# shellcheck disable=SC2086
check "a lower inside the upper is refused" "overlay directories may not overlap" \
	"$("$veil" --backend=emulate $base --overlay-src "$T/u/in" --overlay "$T/u" "$T/w" /o -- true 2>&1 |
	   grep -o 'overlay directories may not overlap')"
# shellcheck disable=SC2086
check "an upper inside a lower is refused by name" "not supported by --backend=emulate" \
	"$("$veil" --backend=emulate $base $lowers --overlay "$T/l1/lo" "$T/w" /o -- true 2>&1 |
	   grep -o 'not supported by --backend=emulate')"
echo "1..$n"
