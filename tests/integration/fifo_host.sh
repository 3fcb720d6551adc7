#!/bin/sh
# A FIFO on a host bind is the host's own: a process outside the sandbox
# and one inside meet on it, whichever end waits first and whichever side
# made it (the sandbox's mkfifo makes the host's node). Each backend.
# TAP output.
#
#   fifo_host.sh VEIL
set -u
veil=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"
		echo "# want: $2"
		echo "# got:  $3"
	fi
}
run() {
	timeout -s KILL 10 "$veil" --backend="$backend" --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --bind "$tmp" /w -- "$@" 2>&1
}

echo "1..6"
for backend in emulate kernel; do
	rm -f "$tmp"/*
	mkfifo "$tmp/in" "$tmp/out"
	# The host's writer waits in its open until the sandbox's reader comes.
	timeout -s KILL 10 sh -c "echo 'from the host' >'$tmp/in'" &
	check "$backend: the sandbox reads what the host writes" "from the host" "$(run cat /w/in)"
	wait
	timeout -s KILL 10 cat "$tmp/out" >"$tmp/got" &
	reader=$!
	run sh -c 'echo "to the host" > /w/out'
	wait $reader
	check "$backend: the host reads what the sandbox writes" "to the host" "$(cat "$tmp/got")"
	# The sandbox's reader waits first, on a FIFO it made; the host finds
	# the node and writes.
	(i=0
	 while [ ! -p "$tmp/made" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	 timeout -s KILL 10 sh -c "echo made inside >'$tmp/made'") &
	check "$backend: the sandbox's own FIFO, written by the host" "made inside" \
		"$(run sh -c 'mkfifo /w/made && cat /w/made')"
	wait
done
