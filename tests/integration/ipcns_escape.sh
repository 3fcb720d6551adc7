#!/bin/sh
# --unshare-ipc: the host's SysV IPC objects are out of the sandbox's
# reach, and the sandbox's own do not outlive it. The test makes on the
# host a 0600 shared memory segment holding a string, a message queue
# holding a message and a semaphore set holding a value, with keys of
# this run's own. Inside, by those keys nothing is found (ENOENT), and
# what the keys make there is a fresh object; by the host's ids every
# call fails with EINVAL, as it does by their indexes for *_STAT; *_INFO
# counts nothing; ipcs and /proc/sysvipc list none of them. After the
# sandboxes the host's objects hold what they held. The objects a
# sandbox makes are gone from the host when veil ends, normally or by
# SIGKILL (under emulate, where they are the host's with IPC_PRIVATE
# keys, veil's reaper removes them; under kernel their namespace goes),
# and their keys never reach the host's key space. TAP.
#
#   ipcns_escape.sh VEIL [BACKEND...]      (default: kernel emulate)
#
# A backend that refuses --unshare-ipc by name ("has no namespaces") is
# skipped, every check of it a SKIP.
set -u
veil=$1
shift
[ $# -gt 0 ] || set -- kernel emulate
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /var/tmp/veil-ipcns.XXXXXX)
cp "$here/../lib/sysv_ipc.py" "$tmp/"
PY=/usr/bin/python3
export PYTHONPATH="$tmp"
vpid=
sandbox_pid=
cleanup() {
	[ -n "$vpid" ] && kill -9 "$vpid" 2>/dev/null
	# a sandboxed process that outlived veil (the kernel backend, like
	# bubblewrap without --die-with-parent, leaves it running)
	if [ -n "$sandbox_pid" ] && grep -qs veil-ipcns-sleeper "/proc/$sandbox_pid/cmdline"; then
		kill -9 "$sandbox_pid"
	fi
	[ -s "$tmp/host" ] && $PY "$tmp/host.py" remove "$(cat "$tmp/host")"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Keys of this run's own: another run of this test at the same time
# (another checkout's suite) must not meet ours.
base=$(( 0x7e000000 + ($$ % 65536) * 16 ))
KS=$base KQ=$((base + 1)) KM=$((base + 2))
# the sandboxes' own keys: one triple per run, so that a run cannot find
# what an earlier one left
KEXIT=$((base + 8)) KKILL=$((base + 12))
n=0
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "# want: $2"; echo "# got:  $3"; fi
}
echo "1..$((2 + 9 * $#))"

# The host's objects: made, removed (by id, if the key is still ours),
# read back.
cat >"$tmp/host.py" <<'PYEOF'
import sys
from sysv_ipc import *
what = sys.argv[1]
if what == "make":
    ks, kq, km = (int(k) for k in sys.argv[2:5])
    s = shmget(ks, 4096, IPC_CREAT | IPC_EXCL | 0o600)
    q = msgget(kq, IPC_CREAT | IPC_EXCL | 0o600)
    m = semget(km, 1, IPC_CREAT | IPC_EXCL | 0o600)
    if any(isinstance(x, str) for x in (s, q, m)):
        sys.exit("host objects: %s %s %s" % (s, q, m))
    a = shmat(s)
    shm_write(a, 0, b"host secret")
    shmdt(a)
    msgsnd(q, 5, b"host message")
    semctl(m, 0, SETVAL, 42)
    print(s, q, m, ks, kq, km)
elif what == "remove":
    s, q, m, ks, kq, km = (int(x) for x in sys.argv[2].split())
    ds = shm_stat(s)
    if not isinstance(ds, str) and ds.perm.key == ks:
        shmctl(s, IPC_RMID)
    ds = msg_stat(q)
    if not isinstance(ds, str) and ds.perm.key == kq:
        msgctl(q, IPC_RMID)
    ds = sem_stat(m)
    if not isinstance(ds, str) and ds.perm.key == km:
        semctl(m, 0, IPC_RMID)
elif what == "intact":
    s, q, m = (int(x) for x in sys.argv[2].split()[:3])
    a = shmat(s)
    text = shm_read(a, 0, 64).decode() if isinstance(a, int) else a
    shmdt(a)
    r = msgrcv(q, 100, 0, IPC_NOWAIT)
    if not isinstance(r, str):
        msgsnd(q, *r)  # put it back for the next backend
    ds = msg_stat(q)
    print(text, r[1].decode() if not isinstance(r, str) else r,
          ds if isinstance(ds, str) else ds.qnum, semctl(m, 0, GETVAL))
elif what == "ids":
    # the ids the host has now, for a later "is this one new?"
    out = []
    for f in ("shm", "msg", "sem"):
        rows = open("/proc/sysvipc/" + f).read().splitlines()[1:]
        out.append(",".join(r.split()[1] for r in rows) or "-")
    print(" ".join(out))
elif what == "gone":
    # the ids a sandbox wrote: "gone" unless the host has that id now and
    # did not have it before the sandbox (a namespace's id 0 may be a host
    # object of long standing); polled for up to argv[4] seconds
    try:
        ids = open(sys.argv[2]).read().split()
    except OSError:
        ids = []
    before = [set(x.split(",")) for x in sys.argv[3].split()]
    if len(ids) < 3:
        print("the sandbox wrote", ids)
        sys.exit()
    def gone():
        return ["gone" if isinstance(stat(int(i)), str) or i in old else "left"
                for stat, i, old in ((shm_stat, ids[0], before[0]), (msg_stat, ids[1], before[1]),
                                     (sem_stat, ids[2], before[2]))]
    wait_for(lambda: "left" not in gone(), float(sys.argv[4]) if len(sys.argv) > 4 else 0)
    print(" ".join(gone()))
PYEOF

backends=$*
host=$($PY "$tmp/host.py" make "$KS" "$KQ" "$KM") || { echo "Bail out! $host"; exit 1; }
echo "$host" >"$tmp/host"
hexkeys=$(printf '0x%08x|0x%08x|0x%08x' "$KS" "$KQ" "$KM")
deckeys="$KS|$KQ|$KM"
check "control: the host's ipcs lists the three keys" 3 "$(ipcs | grep -cE "^($hexkeys) ")"
check "control: the host's /proc/sysvipc lists the three keys" 3 \
	"$(cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem | grep -cE "^ *($deckeys) ")"

cat >"$tmp/inside.py" <<'PYEOF'
import os, sys
from sysv_ipc import *
what = sys.argv[1]
s, q, m, ks, kq, km = (int(x) for x in sys.argv[2:8])
if what == "keys":
    print(shmget(ks, 0, 0), msgget(kq, 0), semget(km, 0, 0))
elif what == "ids":
    # non-destructive calls first, the removals last
    ds, mq = shmid_ds(), msqid_ds()
    print(shmat(s), shmat(s, SHM_RDONLY), shmctl(s, IPC_STAT, ds), msgsnd(q, 1, b"in", IPC_NOWAIT),
          msgrcv(q, 100, 0, IPC_NOWAIT), msgctl(q, IPC_STAT, mq), semctl(m, 0, GETVAL),
          semctl(m, 0, SETVAL, 7), semop(m, [(0, -1, IPC_NOWAIT)]), semctl(m, 0, GETPID),
          shmctl(s, IPC_RMID), msgctl(q, IPC_RMID), semctl(m, 0, IPC_RMID))
elif what == "index":
    si, mi, sn = shm_info(), msginfo(), seminfo()
    shmctl(0, SHM_INFO, si), msgctl(0, MSG_INFO, mi), semctl(0, 0, SEM_INFO, sn)
    # and every index a host with a few hundred objects uses
    found = [sum(not isinstance(stat(i), str) for i in range(512)) for stat in
             (lambda i: shmctl(i, SHM_STAT, shmid_ds()), lambda i: msgctl(i, MSG_STAT, msqid_ds()),
              lambda i: semctl(i, 0, SEM_STAT, semid_ds()))]
    print(shmctl(s % 32768, SHM_STAT, shmid_ds()), msgctl(q % 32768, MSG_STAT, msqid_ds()),
          semctl(m % 32768, 0, SEM_STAT, semid_ds()), "counts", si.used_ids, mi.msgpool, sn.semusz,
          "found", *found)
elif what == "same-keys":
    # the host's keys, made inside: objects of the sandbox's own
    s2 = shmget(ks, 4096, IPC_CREAT | 0o600)
    a = shmat(s2)
    q2 = msgget(kq, IPC_CREAT | 0o600)
    m2 = semget(km, 1, IPC_CREAT | 0o600)
    print(repr(shm_read(a, 0, 64)), msgrcv(q2, 100, 0, IPC_NOWAIT), semctl(m2, 0, GETVAL),
          msg_stat(q2).qnum, shm_stat(s2).nattch)
    # written here, seen nowhere on the host
    shm_write(a, 0, b"sandbox")
    msgsnd(q2, 9, b"sandbox")
    semctl(m2, 0, SETVAL, 9)
elif what == "make":
    # objects of the sandbox's own: their ids to a file the host reads
    out, k = sys.argv[8], int(sys.argv[9])
    ids = [shmget(k, 8192, IPC_CREAT | 0o600), msgget(k + 1, IPC_CREAT | 0o600),
           semget(k + 2, 2, IPC_CREAT | 0o600)]
    a = shmat(ids[0])
    shm_write(a, 0, b"left behind?")
    msgsnd(ids[1], 1, b"left behind?")
    semctl(ids[2], 0, SETVAL, 3)
    with open(out + ".tmp", "w") as f:
        f.write(" ".join(str(i) for i in ids) + " %d\n" % os.getpid())
    os.rename(out + ".tmp", out)
    if len(sys.argv) > 10:
        import time
        time.sleep(30)  # veil-ipcns-sleeper: killed with veil, or by the test
PYEOF

for b in $backends; do
	# the sandbox: the host's root, read-only, and $tmp
	vargs="--backend=$b --unshare-ipc --ro-bind / / --proc /proc --dev /dev --bind $tmp $tmp"
	# shellcheck disable=SC2086 # words
	run() { "$veil" $vargs -- "$@"; }
	probe=$(run /bin/true 2>&1)
	case $probe in *"has no namespaces"*)
		for _ in 1 2 3 4 5 6 7 8 9; do
			n=$((n + 1))
			echo "ok $n - $b # SKIP veil refuses --unshare-ipc there: $probe"
		done
		continue
	esac
	# shellcheck disable=SC2086 # $host: six numbers
	inside() { w=$1; shift; run "$PY" "$tmp/inside.py" "$w" $host "$@"; }
	check "$b: the host's keys find nothing (shmget, msgget, semget)" "ENOENT ENOENT ENOENT" \
		"$(inside keys 2>&1)"
	check "$b: *_STAT by the host objects' indexes EINVAL (by any of 0..511 nothing), *_INFO count nothing" \
		"EINVAL EINVAL EINVAL counts 0 0 0 found 0 0 0" "$(inside index 2>&1)"
	check "$b: the host's keys made inside are fresh objects (empty, no message, 0)" \
		"b'' ENOMSG 0 0 1" "$(inside same-keys 2>&1)"
	# shellcheck disable=SC2016 # for the sandbox's shell
	listed=$(run sh -c 'ipcs; cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem' 2>&1)
	check "$b: ipcs and /proc/sysvipc inside list none of the host's keys" "0 0 3 3" \
		"$(echo "$listed" | grep -cE "^($hexkeys) ") $(echo "$listed" | grep -cE "^ *($deckeys) ") $(
		echo "$listed" | grep -cE '^------ (Shared Memory Segments|Message Queues|Semaphore Arrays) ') $(
		echo "$listed" | grep -cE '^ +key +(shm|msq|sem)id perms ')"
	# the removals by id last: a sandbox that reached the host's objects
	# would take them away from the checks before
	check "$b: the host's ids: shmat, IPC_STAT, msgsnd, msgrcv, GETVAL, SETVAL, semop, GETPID, IPC_RMID all EINVAL" \
		"EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL" \
		"$(inside ids 2>&1)"
	check "$b: the host's objects hold what they held (string, message, queue length, value)" \
		"host secret host message 1 42" "$($PY "$tmp/host.py" intact "$host" 2>&1)"

	# The sandbox's objects after a normal exit.
	before=$($PY "$tmp/host.py" ids)
	rm -f "$tmp/ids"
	inside make "$tmp/ids" "$KEXIT" >"$tmp/out" 2>&1
	check "$b: after a normal exit the sandbox's shm, queue and set are gone from the host" \
		"gone gone gone" "$($PY "$tmp/host.py" gone "$tmp/ids" "$before" 2>&1; cat "$tmp/out")"

	# ... and after veil's SIGKILL: gone within 5 s.
	before=$($PY "$tmp/host.py" ids)
	rm -f "$tmp/ids"
	# shellcheck disable=SC2086 # exec'd: $! is veil's pid
	(exec "$veil" $vargs -- "$PY" "$tmp/inside.py" make $host "$tmp/ids" "$KKILL" veil-ipcns-sleeper \
		>"$tmp/out" 2>&1) &
	vpid=$!
	for _ in $(seq 100); do [ -s "$tmp/ids" ] && break; sleep 0.1; done
	sandbox_pid=$(awk '{print $4}' "$tmp/ids" 2>/dev/null)
	check "$b: the sandbox's keys are not the host's (while it runs)" "ENOENT ENOENT ENOENT" \
		"$($PY -c '
import sys
from sysv_ipc import *
k = int(sys.argv[1])
print(shmget(k, 0, 0), msgget(k + 1, 0), semget(k + 2, 0, 0))' "$KKILL" 2>&1)"
	kill -9 "$vpid"
	wait "$vpid" 2>/dev/null
	vpid=
	check "$b: after veil's SIGKILL they are gone from the host within 5 s" "gone gone gone" \
		"$($PY "$tmp/host.py" gone "$tmp/ids" "$before" 5 2>&1; cat "$tmp/out")"
	if [ -n "$sandbox_pid" ] && grep -qs veil-ipcns-sleeper "/proc/$sandbox_pid/cmdline"; then
		kill -9 "$sandbox_pid"
	fi
	sandbox_pid=
done
