#!/bin/sh
# A tmpfs holds far more files than the sentry's RLIMIT_NOFILE, with the
# hard limit low too (so raising the soft one to it is not what saves the
# sentry): 5,000 files of 1 KiB, 20,000 empty ones and 1,000 inotify
# watches under a limit of 256, on a plain tmpfs and on a --size one; every
# open, stat, listing, exec and removal must still work. And the bound:
# a program holding as many host files open as it can (each costs the
# sentry an fd) gets EMFILE or ENFILE for an open, while a stat still
# works. TAP output.
#
#   emulate_many_files.sh VEIL MANY_FILES
set -u
veil=$1
prog=$2
B="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --dev /dev --ro-bind $(dirname "$prog") /t"
echo "1..4"
# $1 the test's number, $2 what it proves, $3 veil's exit code, $4 its output
report() {
	if [ "$3" -eq 0 ]; then
		echo "ok $1 - $2"
	else
		echo "not ok $1 - $2: exit $3"
		echo "$4" | sed 's/^/# /' | head -20
	fi
}
# The soft limit first: a hard limit below the soft one is refused. (-H
# and -S are not POSIX, but dash, bash, busybox and the BSDs' sh have them.)
# shellcheck disable=SC3045
if ulimit -S -n 256 && ulimit -H -n 256 && [ "$(ulimit -H -n)" = 256 ]; then
	echo "ok 1 - the hard limit is 256"
else
	echo "not ok 1 - cannot set the hard limit to 256"
fi
n=1
for size in "" "--size 268435456"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	out=$("$veil" --backend=emulate $B $size --tmpfs /tmp \
		/t/"$(basename "$prog")" /tmp/many 5000 20000 1000 /usr/bin/true 2>&1)
	rc=$?
	case $out in
	*"needs a user namespace"*) echo "ok $n # SKIP --size needs a user namespace here" ;;
	*) report $n "tmpfs ${size:-(no size)}: 25,000 files and 1,000 watches under ulimit -n 256" $rc "$out" ;;
	esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/sub"
: >"$tmp/sub/x"
i=0
while [ $i -lt 400 ]; do
	: >"$tmp/f$i"
	i=$((i + 1))
done
# shellcheck disable=SC2086
out=$("$veil" --backend=emulate $B --bind "$tmp" /h /t/"$(basename "$prog")" --hold /h /usr/bin/true 2>&1)
report 4 "host files held open up to the limit: the open fails, a stat still works" $? "$out"
