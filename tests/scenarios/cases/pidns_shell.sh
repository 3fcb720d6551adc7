# --unshare-pid in bubblewrap's shape (issue 12): an init as pid 1, the
# shell as pid 2; what the shell, ps and pgrep see; a fork+wait tree;
# kill by pid; an orphan going to pid 1; pid 1 out of reach; kill -9 -1
# leaving only init.
# The kernel backend's pid namespace is the reference.
# veil: --unshare-pid
# reference: kernel
set -u
PATH=/usr/bin:/bin
echo "sh: pid $$ ppid $PPID"
ps -o pid,ppid,pgid,comm
echo "pid_max $(cat /proc/sys/kernel/pid_max)"
ls /proc >proc.list # alone: a pipeline's later members may not be there yet
grep '^[0-9]' proc.list | sort -n | tr '\n' ' '; echo
# a tree: three children, each with a child of its own
for i in 1 2 3; do
	sh -c 'sh -c "exit 3" & wait $!; exit $(( $? + 1 ))' &
done
wait %1; a=$?; wait %2; b=$?; wait %3; c=$?
echo "tree: $a $b $c"
# an orphan: its parent exits, it goes to pid 1
sh -c 'sh -c "sleep 0.3; echo orphan ppid \$(cut -d\" \" -f4 /proc/\$\$/stat)" & exit 0'
sleep 1.5
grep -E '^(Pid|PPid|NSpid|Tgid)' /proc/self/status
readlink /proc/self | grep -c '^[0-9]'
# kill by pid (last: the wait below forks a number of sleeps that timing
# decides); the victim is an orphan (init reaps it), not a job of this shell, whose
# "Terminated" notice would come or not by timing
sh -c 'sleep 30 </dev/null & echo $! >victim.pid'
victim=$(cat victim.pid)
# until it has exec'd sleep (its comm is its shell's before: pgrep missed
# it once under load)
i=0
while [ "$(cat /proc/"$victim"/comm 2>/dev/null)" != sleep ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
echo "pgrep: $(pgrep -x sleep) (victim $victim, ppid $(cut -d' ' -f4 /proc/"$victim"/stat))"
kill "$victim"; echo "kill: $?"
i=0
while kill -0 "$victim" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 "$victim" 2>/dev/null || echo "killed: gone"
# pid 1 is veil's init, out of the program's reach
kill -9 1; echo "kill -9 1: $?"
kill -0 1; echo "kill -0 1: $?"
# kill -9 -1 from a child: everything but init and the killer dies
sleep 30 & sleep 30 &
sh -c 'kill -9 -1; echo "kill -1: $?"'
echo "not reached"
