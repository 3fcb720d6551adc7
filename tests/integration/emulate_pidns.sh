#!/bin/sh
# --unshare-pid under --backend=emulate (issue 12): the sentry's pid
# namespace. --backend=auto takes emulate for it (no fallback); from
# inside, a host process is unreachable by every call that names a pid
# (the answers a pid no process has gets natively: ESRCH, EPERM to join
# a group, ECHILD for the waits, ENOENT in /proc); no number the program
# can read is a host pid; the program keeps its --seccomp programs though
# it is not the first task. TAP.
#
#   emulate_pidns.sh VEIL MKBPF
set -u
veil=$1
mkbpf=$2
here=$(dirname "$0")
work=$(mktemp -d /tmp/veil-pidns.XXXXXX)
trap 'kill "${outside:-}" "${group:-}" 2>/dev/null; rm -rf "$work"' EXIT
cp "$here/pid_probe.py" "$work/probe.py"

run() { # [--seccomp FD] COMMAND... (with as_job=exec: veil replaces the job's shell)
	opt=
	if [ "$1" = --seccomp ]; then
		opt="--seccomp $2"
		shift 2
	fi
	# shellcheck disable=SC2086 # opt is words
	${as_job:-} "$veil" --backend=emulate --unshare-pid --new-session $opt --ro-bind /usr /usr \
		--symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
		--proc /proc --dev /dev --ro-bind "$work/probe.py" /probe.py -- "$@"
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

echo "1..8"

got=$(VEIL_DEBUG=1 "$veil" --unshare-pid --ro-bind / / --proc /proc -- sh -c 'echo $$' 2>&1)
check "--backend=auto realises --unshare-pid under emulate" \
	"yes 2" "$(echo "$got" | grep -q 'backend=auto: emulate' && echo yes) $(echo "$got" | tail -1)"

# Host processes of this uid: a plain one and a group leader; a missing pid.
sleep 60 &
outside=$!
python3 -c 'import os, time; os.setpgid(0, 0); time.sleep(60)' &
group=$!
sleep 0 &
wait $!
missing=$!
i=0
while [ $i -lt 100 ] && [ "$(ps -o pgid= -p "$group" | tr -d ' ')" != "$group" ]; do
	sleep 0.1
	i=$((i + 1))
done
native_missing=$(python3 "$work/probe.py" "$missing")
inside=$(run python3 /probe.py "$outside" "$group" $$ "$missing" 2>&1)
same=yes
for i in 1 2 3 4; do
	[ "$(echo "$inside" | sed -n ${i}p)" = "$native_missing" ] || same=$(echo "$inside" | sed -n ${i}p)
done
check "every pid call on a host process, group, this script: as on a missing pid" yes "$same"

check "waits and /proc on a host pid: ECHILD and ENOENT" "ECHILD ECHILD ENOENT ENOENT" \
	"$(run python3 -c '
import errno, os, sys
out = []
for call in (lambda p: os.waitpid(p, 0), lambda p: os.waitid(os.P_PID, p, os.WEXITED),
             lambda p: os.stat("/proc/%d" % p), lambda p: os.listdir("/proc/%d/task" % p)):
    try:
        call(int(sys.argv[1])); out.append("ok")
    except OSError as e:
        out.append(errno.errorcode[e.errno])
print(*out)' "$outside" 2>&1)"

# Every number the program can read about processes, all small: the
# namespace's (host pids here are in the thousands at least).
got=$(run python3 -c '
import os, signal, socket, struct, threading
nums = [os.getpid(), os.getppid(), threading.get_native_id(), os.getpgid(0), os.getsid(0)]
nums += [int(d) for d in os.listdir("/proc") if d.isdigit()]
for p in [d for d in os.listdir("/proc") if d.isdigit()]:
    try:
        f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        nums += [int(f[1]), int(f[2]), int(f[3])]
        for l in open("/proc/%s/status" % p):
            k, _, v = l.partition(":")
            if k in ("Pid", "PPid", "Tgid", "TracerPid", "NSpid", "NStgid", "NSpgid", "NSsid"):
                nums += [int(x) for x in v.split()]
    except OSError:
        pass
nums.append(int(os.readlink("/proc/self")))
nums.append(int(open("/proc/loadavg").read().split()[-1]))
nums.append(int(open("/proc/sys/kernel/ns_last_pid").read()))
a, b = socket.socketpair()
nums.append(struct.unpack("3i", a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0])
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD, signal.SIGUSR1])
pid = os.fork()
if pid == 0:
    os.kill(os.getppid(), signal.SIGUSR1)
    os._exit(0)
nums.append(pid)
nums.append(signal.sigwaitinfo([signal.SIGUSR1]).si_pid)
nums.append(signal.sigwaitinfo([signal.SIGCHLD]).si_pid)
nums.append(os.waitpid(pid, 0)[0])
big = [x for x in nums if x > 64]
print("numbers", len(nums) > 20, "host-like", big)' 2>&1)
check "no number the program reads is a host pid" "numbers True host-like []" "$got"

# The program is not the first task (the init is): its --seccomp program
# still binds it, from its first exec on.
"$mkbpf" 1 getcwd >"$work/getcwd.bpf"
check "the program keeps its --seccomp program under the init" "EPERM" \
	"$(run --seccomp 3 python3 -c '
import errno, os
try:
    os.getcwd(); print("ran")
except OSError as e:
    print(errno.errorcode[e.errno])' 3<"$work/getcwd.bpf" 2>&1)"

# Refused loudly, not left to show host pids.
check "signalfd and SO_PASSCRED: refused with a message" "ENOSYS ENOTSUP 2" \
	"$(run python3 -c '
import ctypes, errno, os, socket
libc = ctypes.CDLL(None, use_errno=True)
m = ctypes.create_string_buffer(8)
r = libc.signalfd(-1, m, 0)
e1 = errno.errorcode[ctypes.get_errno()] if r < 0 else "ok"
try:
    socket.socket(socket.AF_UNIX).setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1); e2 = "ok"
except OSError as e:
    e2 = errno.errorcode[e.errno]
print(e1, e2)' 2>"$work/err") $(grep -c 'under --unshare-pid' "$work/err")"

# The sandbox ends when its pid 1 does: a daemon left behind is killed.
start=$(date +%s)
run sh -c 'sleep 30 </dev/null >/dev/null 2>&1 & exit 5'
rc=$?
check "the sandbox ends with its init: status kept, nothing waited for" "5 fast" \
	"$rc $([ $(($(date +%s) - start)) -lt 10 ] && echo fast)"

# A signal to veil goes to the init, which forwards it to the program.
as_job=exec run sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; sleep 30 & wait' \
	>"$work/sig" 2>&1 &
v=$!
i=0
while [ $i -lt 100 ] && ! grep -q ready "$work/sig"; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$v"
wait "$v"
rc=$?
check "SIGTERM to veil reaches the program through the init" "3 got TERM" "$rc $(sed -n 2p "$work/sig")"
