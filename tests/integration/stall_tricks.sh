#!/bin/sh
# A program cannot stall the sentry: while one process of the sandbox
# plays a trick that would make a host call wait (stall_tricks.c: a
# lingering close, a FIFO's open, a lease's break, a sweep of the fd
# tables of many threads, a program that holds its own mmap_lock while
# another reads its /proc files, or makes trapped calls itself), a second
# one's trapped calls keep answering (none over a second), and veil still
# answers SIGTERM at once. TAP output.
#
#   stall_tricks.sh VEIL STALL_TRICKS
set -u
veil=$1
prog=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/fifo"
B="--ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp
   --ro-bind $(dirname "$prog") /t --bind $tmp /w"
SECS=4
n=0
# ok NAME STATUS [DIRECTIVE]: DIRECTIVE "# TODO why" for a known failure.
ok() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1${3:+ $3}"; else echo "not ok $n - $1${3:+ $3}"; fi
}

# trick NAME [PATH]; $extra: more veil options, $todo: a TODO directive
# for the first check (the SIGTERM's is then skipped), $wait_for: a line
# of veil's to wait for (up to 45 s) before the SIGTERM.
extra=
todo=
wait_for=
trick() {
	out=$tmp/out.$1$(echo "${2:-}" | tr / _)
	: >"$out"
	# shellcheck disable=SC2086
	"$veil" --backend=emulate $B $extra -- /t/stall_tricks "$1" $SECS "${2:-}" >"$out" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt $(((SECS + 15) * 10)) ] && ! grep -q '^max\|^stall' "$out"; do
		sleep 0.1
		i=$((i + 1))
	done
	verdict=$(grep '^max\|^stall' "$out" | head -n 1)
	i=0
	while [ -n "$wait_for" ] && [ $i -lt 450 ] && ! grep -q "$wait_for" "$out"; do
		sleep 0.1
		i=$((i + 1))
	done
	# SIGTERM is forwarded to the program, whose end ends veil: within
	# 5 s, or a watcher kills it (137).
	kill -TERM $pid
	(sleep 5; kill -KILL $pid 2>/dev/null) &
	watcher=$!
	wait $pid
	status=$?
	kill $watcher 2>/dev/null
	wait $watcher 2>/dev/null
	case $verdict in
	max*) ms=${verdict#max }; ms=${ms% ms}; [ "$ms" -lt 1000 ]; r=$? ;;
	*) r=1 ;;
	esac
	ok "$1${2:+ $2}: the other process's calls keep answering (${verdict:-no verdict})" $r "$todo"
	[ $status -ne 137 ]
	t=$?
	if [ -n "$todo" ]; then
		# Answered after the wait the loop is in: 2-3 s here, more under
		# load; not a check (an unexpected pass of a TODO fails).
		ok "$1${2:+ $2}: veil answers SIGTERM (exit $status)" 0 "# SKIP after the wait"
	else
		ok "$1${2:+ $2}: veil answers SIGTERM meanwhile (exit $status)" $t
	fi
	[ $r = 0 ] || sed 's/^/# /' "$out"
}

echo "1..20"
trick linger-fstat
trick linger-getsockname
trick fifo /w/fifo
trick lease /tmp/lease
trick lease /w/lease
trick sweep
extra="--proc /proc"
trick mmap-lock-proc
# The process's own calls wait for its lock on a copier thread, not on
# the loop (platform/copier.h; on 0ae643a the second process stalled
# past 1 s and SIGTERM waited 2-3 s): they are kept and run again, and
# every one comes back right.
wait_for="^done"
for lock_trick in mmap-lock mmap-lock-stops; do
	trick $lock_trick
	done_line=$(grep '^done' "$tmp/out.$lock_trick")
	calls=$(echo "$done_line" | sed -n 's/^done: \([0-9]*\) tries, \([0-9]*\) .*/\1 \2/p')
	set -- $calls
	[ "${1:-0}" -gt 0 ] && [ "${2:-1}" = 0 ]
	ok "$lock_trick: the process's own calls came back right (${done_line:-no done line})" $?
done
