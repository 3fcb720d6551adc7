# A thousand processes alive at once, each doing a path syscall, then
# reaped: the sentry follows every task.
set -u
PATH=/usr/bin:/bin
python3 -c '
import os, signal
r, w = os.pipe()
kids = []
for i in range(1000):
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.stat("/usr")
        os.read(r, 1)  # wait until every sibling exists
        os._exit(0 if os.path.isdir("/usr/bin") else 1)
    kids.append(pid)
os.close(w)  # every child sees EOF: all go
ok = sum(os.waitpid(p, 0)[1] == 0 for p in kids)
print("children that saw /usr/bin:", ok)
'
