#!/bin/sh
# Nothing of veil's stays on the host, however veil ends: its scratch
# directory (shadows, bound sockets and their mirror directories) is gone
# after a normal exit at once, and after a SIGKILL of veil or of its whole
# process group within a short bounded wait (its reaper, sentry/kernel/scratch.h).
# The scratch goes where $VEIL_SCRATCH says: a directory of this test's
# own, so other tests running beside it do not disturb the count. TAP.
#
#   emulate_leftovers.sh VEIL
set -u
veil=$1
work=$(mktemp -d /tmp/veil-leftovers.XXXXXX)
trap 'kill -9 "${vpid:-0}" 2>/dev/null; rm -rf "$work"' EXIT
export VEIL_SCRATCH="$work/scratch"
mkdir "$VEIL_SCRATCH" "$work/x"

# The program makes files, directories and unix sockets (one bound by an
# absolute path, one by a relative path) on its tmpfs and keeps a
# directory open, then says so and waits to be killed.
prog='import os, socket, time
os.makedirs("/tmp/a/b/c")
open("/tmp/a/f", "w").write("x")
s1 = socket.socket(socket.AF_UNIX); s1.bind("/tmp/a/b/c/sock"); s1.listen()
os.chdir("/tmp/a")
s2 = socket.socket(socket.AF_UNIX); s2.bind("rel.sock")
d = os.open("/tmp/a/b", os.O_RDONLY | os.O_DIRECTORY)
print("ready", flush=True)
for i in range(200):
    if os.path.exists("/x/reaper"):
        try:
            os.kill(int(open("/x/reaper").read()), 9)
            print("reaper: killed", flush=True)
        except OSError as e:
            print("reaper:", os.strerror(e.errno), flush=True)
        break
    time.sleep(0.05)
time.sleep(60)'

run() { # the command that runs veil (exec'd: $! is veil's pid)
	exec "$@" --backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp \
		--ro-bind "$work/x" /x -- python3 -c "$prog"
}

# Waits (at most 20 s) for the program's "$1" (ready) in $work/out.
wait_ready() {
	i=0
	while [ $i -lt 200 ]; do
		grep -q "${1:-ready}" "$work/out" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# What is left in the scratch location, after at most 10 s for a reaper.
left_after_wait() {
	i=0
	while [ $i -lt 100 ] && [ -n "$(ls -A "$VEIL_SCRATCH")" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ls -A "$VEIL_SCRATCH" | tr '\n' ' '
}

n=0
check() { # name, want, got
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "# want: $2"
		echo "# got:  $3"
	fi
}

echo "1..6"

: > "$work/out"
(run "$veil" > "$work/out" 2>&1) &
vpid=$!
wait_ready
check "while it runs, the scratch holds what the program made" "yes" \
	"$([ -n "$(find "$VEIL_SCRATCH" -type s)" ] && echo yes || echo no)"
# The reaper is veil's child (the other is the first task): the program
# is told its pid and may not kill it.
ps -o pid=,comm= --ppid "$vpid" | awk '$2 == "veil-reaper" { printf "%s", $1 }' > "$work/reaper"
mv "$work/reaper" "$work/x/reaper"
wait_ready "reaper:"
check "the program cannot signal the reaper" "reaper: No such process" \
	"$(grep reaper: "$work/out")"
kill -9 "$vpid"
wait "$vpid" 2>/dev/null
check "SIGKILL of veil leaves nothing" "" "$(left_after_wait)"

# veil alone in its own process group (setsid execs it in place: this
# shell is no group leader's), the whole group killed at once.
: > "$work/out"
(run setsid "$veil" > "$work/out" 2>&1) &
vpid=$!
wait_ready
kill -9 "-$vpid"
wait "$vpid" 2>/dev/null
check "SIGKILL of veil's whole process group leaves nothing" "" "$(left_after_wait)"

# SIGTERM: veil dies of it (it does not catch it).
: > "$work/out"
(run "$veil" > "$work/out" 2>&1) &
vpid=$!
wait_ready
kill -TERM "$vpid"
wait "$vpid" 2>/dev/null
check "SIGTERM of veil leaves nothing" "" "$(left_after_wait)"

# A normal exit removes everything itself, before veil exits.
"$veil" --backend=emulate --ro-bind /usr /usr --symlink usr/bin /bin \
	--symlink usr/lib /lib --symlink usr/lib64 /lib64 --tmpfs /tmp \
	-- python3 -c "$(echo "$prog" | sed '/^for i/,$d')" > /dev/null 2>&1
check "a normal exit leaves nothing, at once" "" "$(ls -A "$VEIL_SCRATCH" | tr '\n' ' ')"
