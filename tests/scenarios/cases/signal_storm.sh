# Calls that change the filesystem, made while a signal arrives every
# 300 us (a handler without SA_RESTART: python makes the call again after
# EINTR, as a restart would). Each must run once: a mkdir that made its
# directory and was then restarted would say EEXIST, an unlink ENOENT.
# (Under emulate a signal landing while the sentry answered took the task
# out of its wait with the answer lost: platform/unotify/listener.c.)
set -u
PATH=/usr/bin:/bin
timeout 120 python3 -c '
import os, signal, threading
signal.signal(signal.SIGALRM, lambda *a: None)
signal.setitimer(signal.ITIMER_REAL, 0.0003, 0.0003)
def storm(tag, n=1500):
    bad = {}
    def note(what, e):
        bad[what] = bad.get(what, 0) + 1
    for i in range(n):
        d, f, g = "%s-d%d" % (tag, i), "%s-f%d" % (tag, i), "%s-g%d" % (tag, i)
        for what, op in (("mkdir", lambda: os.mkdir(d)), ("rmdir", lambda: os.rmdir(d)),
                         ("creat-excl", lambda: os.close(os.open(f, os.O_CREAT | os.O_EXCL | os.O_WRONLY))),
                         ("link", lambda: os.link(f, g)), ("unlink-link", lambda: os.unlink(g)),
                         ("rename", lambda: os.rename(f, g)), ("rename-noreplace-back", lambda: os.rename(g, f)),
                         ("symlink", lambda: os.symlink("x", g)), ("unlink", lambda: os.unlink(g)),
                         ("unlink-file", lambda: os.unlink(f))):
            try:
                op()
            except OSError as e:
                note(what, e)
    return bad
print("one thread:", storm("a"))
res = {}
ts = [threading.Thread(target=lambda t=t: res.__setitem__(t, storm(t, 500))) for t in ("t1", "t2")]
for t in ts: t.start()
for t in ts: t.join()
signal.setitimer(signal.ITIMER_REAL, 0, 0)
print("two threads:", res["t1"], res["t2"])
print("left:", sorted(os.listdir(".")))
'
