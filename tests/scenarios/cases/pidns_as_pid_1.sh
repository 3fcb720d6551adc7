# --unshare-pid --as-pid-1 (issue 12): the shell is pid 1, orphans come to
# it, and as a namespace's init it gets only the signals it handles.
# veil: --unshare-pid --as-pid-1
# reference: kernel
set -u
PATH=/usr/bin:/bin
echo "sh: pid $$ ppid $PPID"
ps -o pid,ppid,comm
sh -c 'sh -c "sleep 0.3; echo orphan ppid \$(cut -d\" \" -f4 /proc/\$\$/stat)" & exit 0'
sleep 1.5
kill -9 1; echo "kill -9 self: $?"
kill -TERM 1; echo "kill -TERM self, no handler: $?"
trap 'echo got TERM' TERM
kill -TERM 1
sh -c 'kill -USR1 1; echo "child: kill -USR1 1: $?"'
echo "alive"
