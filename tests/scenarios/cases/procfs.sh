# /proc as a shell and its children see it: their fds, cwd, names, status,
# command lines, children, and the mount table through findmnt and df.
exec 3>out.txt
ls /proc/self/fd
readlink /proc/self/fd/3 /proc/self/cwd /proc/self/exe
cat /proc/self/comm
grep -E '^(Name|Umask|State|Uid):' /proc/self/status
(umask 027 && grep '^Umask:' /proc/self/status)
cat /proc/self/cmdline | tr '\0' ' '; echo
sleep 5 & a=$!
sleep 5 & b=$!
# until both have exec'd (a child is "sh" until then)
# (bounded: a regression must fail here, not hang the suite)
n=0
until [ "$(cat /proc/$a/comm /proc/$b/comm)" = "sleep
sleep" ] || [ $n -ge 200000 ]; do n=$((n + 1)); done
ps -o comm= --ppid $$ >ps.out # no pipeline: its members race their exec
sort ps.out | uniq -c
kill $a $b
wait
echo piped | cat /dev/stdin
echo to-fd-3 >/proc/self/fd/3
cat out.txt
cd /proc/self/cwd && pwd -P && cd /tmp/w
findmnt -n -o TARGET,FSTYPE /tmp
findmnt -n -o TARGET,FSTYPE /proc
findmnt -n -o TARGET /usr
df --output=target,fstype /tmp /usr | tail -n +2
test -r /proc/meminfo && grep -c '^MemTotal:' /proc/meminfo
# the kernel's configuration, where the host has it (LTP reads it)
if [ -e /proc/config.gz ]; then zcat /proc/config.gz | grep -c '^CONFIG_' | sed 's/[0-9]*/N/'; fi
cat /proc/sys/kernel/ostype
(echo x >/proc/sys/kernel/ostype) 2>/dev/null || echo "sys is read-only"
# a script: comm is its name, exe its interpreter, cmdline the kernel's
s='#!/bin/sh
cat /proc/$$/comm; readlink /proc/$$/exe; tr "\0" " " </proc/$$/cmdline; echo'
printf '%s\n' "$s" >s.sh && chmod +x s.sh && ./s.sh a b
# threads: task/ lists them, thread-self is the caller's
python3 -c '
import threading, os
ev = threading.Event()
ts = [threading.Thread(target=ev.wait) for _ in range(3)]
[t.start() for t in ts]
print(len(os.listdir("/proc/self/task")), open("/proc/thread-self/comm").read().strip(),
      os.readlink("/proc/thread-self").split("/")[1])
ev.set(); [t.join() for t in ts]'
ls -l /proc/self/fd/0 | cut -d' ' -f1,5
# last: a reopen of the harness's own files (host files, not the sandbox's)
echo appended >>/dev/stdout
echo to-stderr >>/dev/stderr
