# What the program may do as root (issue 11 cause 2): the capability sets
# are the caller's, never one its bounding set lacks (a container's may
# omit CAP_SYS_RESOURCE); and the per-process files a task may write
# natively (comm, oom_score_adj, oom_adj) are writable, with the kernel's
# own rules for the writer: a raise of oom_score_adj, or a lowering to no
# less than where a privileged writer last put it, needs no capability.
set -u
PATH=/usr/bin:/bin
grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status
python3 -c '
import os
def show(path):
    with open(path) as f:
        return f.read().strip()
def put(path, text):
    try:
        with open(path, "w") as f:
            f.write(text)
        return "ok"
    except OSError as e:
        return e.strerror
me = "/proc/%d/" % os.getpid()
print("oom_score_adj 500:", put(me + "oom_score_adj", "500"), show(me + "oom_score_adj"))
print("oom_score_adj 100:", put(me + "oom_score_adj", "100"), show(me + "oom_score_adj"))
print("oom_adj:", show(me + "oom_adj"))
print("comm:", put("/proc/self/comm", "renamed"), show("/proc/self/comm"), show(me + "comm"))
print("task comm:", put(me + "task/%d/comm" % os.getpid(), "again"), show(me + "comm"))
print("a child sees:", os.popen("cat /proc/self/oom_score_adj").read().strip())
print("mode:", oct(os.stat(me + "oom_score_adj").st_mode & 0o777), oct(os.stat(me + "comm").st_mode & 0o777))
'
