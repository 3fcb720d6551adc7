# POSIX message queues of an IPC namespace of the sandbox's own
# (--unshare-ipc) through mq_* and through its --mqueue mount (issue 12):
# the mount lists, stats, reads (QSIZE), chmods, unlinks and creates
# queues as the kernel's mqueue filesystem does, and what one side does
# the other sees. Natively: a new IPC namespace, mqueue mounted by hand.
# veil: --unshare-ipc --mqueue /tmp/mq
# native-exec: unshare --ipc
set -u
PATH=/usr/bin:/bin
mountpoint -q /tmp/mq || { mkdir -p /tmp/mq && mount -t mqueue mqueue /tmp/mq; }
exec python3 -c '
import ctypes, os, errno
libc = ctypes.CDLL(None, use_errno=True)
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
def e(f):
    try:
        r = f(); return "ok" if r is None else r
    except OSError as x:
        return errno.errorcode[x.errno]
def err(r):
    return r if r >= 0 else errno.errorcode[ctypes.get_errno()]
M = "/tmp/mq"
st = os.stat(M); print("root", oct(st.st_mode), st.st_uid, os.listdir(M))
os.umask(0o022)
q = libc.mq_open(b"/alpha", 0o102, 0o666, None)
print("send", libc.mq_send(q, b"hello", 5, 0))
libc.mq_open(b"/beta", 0o102, 0o600, None)
print("list", sorted(os.listdir(M)))
s = os.stat(M + "/alpha"); print("alpha", oct(s.st_mode), s.st_uid, s.st_gid, s.st_size, s.st_nlink)
print("read", open(M + "/alpha").read().split()[0])
print("chmod", e(lambda: os.chmod(M + "/beta", 0o640)), oct(os.stat(M + "/beta").st_mode))
print("chown", e(lambda: os.chown(M + "/beta", 1000, 1000)), os.stat(M + "/beta").st_uid)
pid = os.fork()
if pid == 0:
    os.setgid(1001); os.setuid(1001)
    print("other user opens beta:", err(libc.mq_open(b"/beta", 0, 0, None)), "alpha:", err(libc.mq_open(b"/alpha", 0, 0, None)) >= 0, flush=True)
    print("other user unlinks alpha:", err(libc.mq_unlink(b"/alpha")), e(lambda: os.unlink(M + "/alpha")), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
print("rm", e(lambda: os.unlink(M + "/beta")), sorted(os.listdir(M)))
print("mq_open after rm", err(libc.mq_open(b"/beta", 0, 0, None)))
fd = os.open(M + "/gamma", os.O_CREAT | os.O_RDWR, 0o600)
print("created by open", sorted(os.listdir(M)), libc.mq_send(fd, b"x", 1, 0))
q2 = libc.mq_open(b"/gamma", 0, 0, None); buf = ctypes.create_string_buffer(9000)
print("received through mq_open", libc.mq_receive(q2, buf, 9000, None), buf.raw[:1])
print("excl", e(lambda: os.open(M + "/gamma", os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)))
print("mkdir", e(lambda: os.mkdir(M + "/d")), "symlink", e(lambda: os.symlink("x", M + "/l")))
print("mq_unlink", libc.mq_unlink(b"/alpha"), sorted(os.listdir(M)))
'
