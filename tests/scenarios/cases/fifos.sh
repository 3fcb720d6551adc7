# FIFOs on the sandbox's tmpfs, on a host bind and on an overlay: a
# shell's `cat fifo & echo > fifo`, O_RDWR, the nonblocking opens (ENXIO
# for a writer without a reader), blocking opens that meet their partner,
# one interrupted by a signal (EINTR, through ctypes so python does not
# retry), and fstat of the fd naming the FIFO's inode.
# veil: --bind $SCRATCH/u /tmp/w/h --overlay-src $SCRATCH/l1 --tmp-overlay /tmp/w/ov
# native: mkdir -p /tmp/.o/u /tmp/.o/w /tmp/w/h /tmp/w/ov && mount --bind $SCRATCH/u /tmp/w/h && mount -t overlay overlay -o lowerdir=$SCRATCH/l1,upperdir=/tmp/.o/u,workdir=/tmp/.o/w /tmp/w/ov
set -u
PATH=/usr/bin:/bin
mkfifo p
cat p > out &
echo hi > p
wait
echo "cat got: $(cat out)"
timeout 60 python3 -u -c '
import ctypes, errno, os, signal, stat, sys, time
libc = ctypes.CDLL(None, use_errno=True)
def name(r):
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
def tryopen(p, flags):
    fd = libc.open(p.encode(), flags)
    r = name(fd)
    if fd >= 0:
        os.close(fd)
    return r
def partner(p, flags, data):
    pid = os.fork()
    if pid == 0:
        time.sleep(0.2)
        fd = os.open(p, flags)
        if data:
            os.write(fd, data)
        else:
            os.read(fd, 100)
        os._exit(0)
    return pid
signal.signal(signal.SIGALRM, lambda *a: None)
for d in sys.argv[1:]:
    p = d + "/fifo"
    os.mkfifo(p, 0o600)
    fd = os.open(p, os.O_RDWR)
    os.write(fd, b"x")
    st = os.fstat(fd)
    print(d, "O_RDWR:", os.read(fd, 1), stat.S_ISFIFO(st.st_mode),
          "same inode:", st.st_ino == os.stat(p).st_ino, oct(st.st_mode & 0o777))
    os.close(fd)
    print(d, "O_WRONLY|O_NONBLOCK, no reader:", tryopen(p, os.O_WRONLY | os.O_NONBLOCK))
    print(d, "O_RDONLY|O_NONBLOCK:", tryopen(p, os.O_RDONLY | os.O_NONBLOCK))
    r = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
    print(d, "O_WRONLY|O_NONBLOCK, a reader:", tryopen(p, os.O_WRONLY | os.O_NONBLOCK))
    os.close(r)
    pid = partner(p, os.O_WRONLY, b"hello")
    fd = os.open(p, os.O_RDONLY)
    print(d, "blocking reader met its writer:", os.read(fd, 100), os.fstat(fd).st_ino == os.stat(p).st_ino)
    os.close(fd)
    os.waitpid(pid, 0)
    pid = partner(p, os.O_RDONLY, None)
    fd = os.open(p, os.O_WRONLY)
    print(d, "blocking writer met its reader:", os.write(fd, b"data"))
    os.close(fd)
    os.waitpid(pid, 0)
    for what, flags in (("reader", os.O_RDONLY), ("writer", os.O_WRONLY)):
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        print(d, "blocking", what, "and a signal:", tryopen(p, flags))
    print(d, "after:", tryopen(p, os.O_WRONLY | os.O_NONBLOCK))
    # A writer that exits at once after the meeting, with the reader
    # catching SIGCHLD: a met open completes whatever signal follows
    # (under emulate the signal used to lose the meeting, and the reader
    # waited for a partner that had come and gone: docs/sentry.md "FIFOs").
    signal.signal(signal.SIGCHLD, lambda *a: None)
    met = 0
    for i in range(60):
        pid = os.fork()
        if pid == 0:
            fd = os.open(p, os.O_WRONLY)
            os.write(fd, b"%d" % i)
            os._exit(0)
        fd = os.open(p, os.O_RDONLY)
        met += os.read(fd, 10) == b"%d" % i
        os.close(fd)
        os.waitpid(pid, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    print(d, "meetings with a SIGCHLD handler:", met)
    if d == "ov":
        continue  # overlayfs: its own inode'"'"'s pipe, whose times stay (docs/sentry.md)
    fd = os.open(p, os.O_RDWR)
    before = os.stat(p).st_mtime_ns
    time.sleep(0.05)
    os.write(fd, b"x")
    print(d, "a write moves mtime:", os.stat(p).st_mtime_ns > before, os.fstat(fd).st_mtime_ns > before)
    os.close(fd)
' . h ov
