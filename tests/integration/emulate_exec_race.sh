#!/bin/sh
# veil issue 10: another thread of the program races the sentry's exec by
# fd, swapping the checked fd for a memfd that names a host file (`#!`),
# rewriting the execveat's "" path into a host path, or replacing the page
# that holds the "" before the tracee seals it (exec_race.c). The host file (a
# static program that exits 42) lies under a bind the program has, hidden
# by a --tmpfs, so Landlock would let it run: only the sentry keeps it
# out. And a program file rewritten after the sentry read it, to name the
# host file as its ELF interpreter. Root and, with setpriv, uid 65534 (the fakeroot). TAP output.
#
#   emulate_exec_race.sh VEIL EXEC_RACE LEGIT MARKER [TRIES]
set -u
veil=$1 race=$2 legit=$3 mark=$4 tries=${5:-300}
work=$(mktemp -d /tmp/veil-exec-race.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree/bin" "$work/tree/hidden"
cp "$race" "$work/tree/bin/exec_race"
cp "$legit" "$work/tree/bin/legit"
cp "$mark" "$work/tree/hidden/marker"
cp "$0" "$work/test.sh"
chmod -R a+rX "$work"

run() { # mode, then extra veil options
	mode=$1
	shift
	"$veil" --backend=emulate "$@" --ro-bind /usr /usr --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 --ro-bind "$work/tree" /t --tmpfs /t/hidden -- \
		/t/bin/exec_race "$mode" "$tries" /t/bin/legit "$work/tree/hidden/marker" \
		/t/hidden 2>&1
}

n=0
check() { # name, output
	n=$((n + 1))
	case "$2" in
	*", 0 ran the host file, 0 failed")
		echo "ok $n - $1"; echo "$2" | grep -v '^veil: ' | sed 's/^/# /' ;;
	*)
		echo "not ok $n - $1"; echo "$2" | sed 's/^/# /' ;;
	esac
}

as_nobody=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	as_nobody=1
	echo "1..8"
else
	echo "1..4"
fi
check "fd swap between the check and the exec" "$(run fd)"
check "the \"\" path rewritten to a host path" "$(run path)"
check "the \"\" page replaced before its seal" "$(run seal)"
check "the file rewritten to name a host interpreter" "$(run interp)"
if [ -n "$as_nobody" ]; then
	cp "$veil" "$work/veil"
	chmod 755 "$work/veil"
	veil=$work/veil
	runu() {
		setpriv --reuid=65534 --regid=65534 --clear-groups "$veil" --backend=emulate \
			--uid 0 --gid 0 --ro-bind /usr /usr --symlink usr/lib /lib \
			--symlink usr/lib64 /lib64 --ro-bind "$work/tree" /t --tmpfs /t/hidden -- \
			/t/bin/exec_race "$1" "$tries" /t/bin/legit "$work/tree/hidden/marker" \
			/t/hidden 2>&1
	}
	check "fd swap, uid 65534 with the fakeroot" "$(cd / && runu fd)"
	check "\"\" rewritten, uid 65534 with the fakeroot" "$(cd / && runu path)"
	check "\"\" page replaced, uid 65534 with the fakeroot" "$(cd / && runu seal)"
	check "host interpreter, uid 65534 with the fakeroot" "$(cd / && runu interp)"
fi
