# Processes killed in the middle of their syscalls, many at once: the
# sandbox (and under emulate, the sentry) carries on.
set -u
PATH=/usr/bin:/bin
python3 -c '
import os, signal, time
kids = []
for i in range(60):
    pid = os.fork()
    if pid == 0:
        while True:
            os.stat("/usr/bin")
            try:
                os.open("/nonexistent", os.O_RDONLY)
            except OSError:
                pass
    kids.append(pid)
time.sleep(0.2)
for pid in kids:
    os.kill(pid, signal.SIGKILL)
dead = sum(os.WIFSIGNALED(os.waitpid(pid, 0)[1]) for pid in kids)
print("killed", dead, "of", len(kids))
print("still served:", os.path.isdir("/usr/bin"))
'
