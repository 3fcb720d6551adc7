#!/bin/sh
# The pid oracle: from inside --backend=emulate, every call that names a
# process, thread, group or session by number gives for a live host pid
# exactly what it gives for a pid no process has (ESRCH; EPERM to join a
# group), as the kernel answers for a missing pid; on the sandbox's own
# processes the same calls work as they do natively. kill(-1) reaches the
# sandbox's processes only. TAP.
#
#   emulate_pids.sh VEIL
set -u
veil=$1
here=$(dirname "$0")
work=$(mktemp -d /tmp/veil-pids.XXXXXX)
trap 'kill "${outside:-}" "${group:-}" 2>/dev/null; rm -rf "$work"' EXIT
cp "$here/pid_probe.py" "$work/probe.py"

# --new-session: without it the first task stays in this script's process
# group (and session), which is then the sandbox's group too: under
# meson this script leads its group, and the group calls on $$ would go
# through, as they should.
run() {
	"$veil" --backend=emulate --new-session --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc \
		--ro-bind "$work/probe.py" /probe.py -- "$@"
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

echo "1..4"

# Host processes of this uid: a plain one, and the leader of a group of
# its own in this session (one the sandbox could otherwise join).
sleep 60 &
outside=$!
python3 -c 'import os, time; os.setpgid(0, 0); time.sleep(60)' &
group=$!
# A pid no process has: a reaped child's (nothing reuses it this soon in
# a pid space this size).
sleep 0 &
wait $!
missing=$!
i=0 # until the leader has made its group (at most 10 s)
while [ $i -lt 100 ] && [ "$(ps -o pgid= -p "$group" | tr -d ' ')" != "$group" ]; do
	sleep 0.1
	i=$((i + 1))
done

native_missing=$(python3 "$work/probe.py" "$missing")
inside=$(run python3 /probe.py "$missing" 1 $$ "$outside" "$group" 2>&1)
check "inside, a missing pid fails as it does natively" "$native_missing" \
	"$(echo "$inside" | sed -n 1p)"
same=yes
for i in 2 3 4 5; do
	[ "$(echo "$inside" | sed -n ${i}p)" = "$native_missing" ] || same=$(echo "$inside" | sed -n ${i}p)
done
check "inside, pid 1, this script, a host process and a host group are as missing" yes "$same"

# (Not the session's leader, as natively: a leader may not join a group.)
check "on the sandbox's own child, the calls work as natively" \
	"$(python3 "$work/probe.py" --own)" "$(run sh -c 'python3 /probe.py --own; :' 2>&1)"

# kill(-1): the sandbox's other processes, never the host's (the sentry
# does it; Landlock's signal scope, where the kernel has it, would too).
check "kill(-1) from inside reaches the sandbox's processes only" "killed alive" \
	"$(run python3 -c 'import os, signal, subprocess
c = subprocess.Popen(["sleep", "30"])
os.kill(-1, signal.SIGTERM)
print("killed" if c.wait() == -signal.SIGTERM else "missed")' 2>&1) $(kill -0 "$outside" && echo alive)"
