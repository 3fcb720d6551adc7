# --unshare-pid (issue 12): a terminal's foreground group and session by
# number: tcsetpgrp (TIOCSPGRP: its group translated into scratch memory,
# never the program's own variable), tcgetpgrp and tcgetsid, on a pty of
# the sandbox's own. The kernel backend's pid namespace is the reference.
# veil: --unshare-pid
# reference: kernel
set -u
PATH=/usr/bin:/bin
exec python3 -c '
import os, pty, sys, signal, ctypes
pid, fd = pty.fork()
if pid == 0:
    try:
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        g0 = os.tcgetpgrp(0)
        r = os.fork()
        if r == 0:
            os.setpgid(0, 0)
            os.tcsetpgrp(0, os.getpgrp())
            print("child fg", os.tcgetpgrp(0) == os.getpgrp(), os.getpgrp() == os.getpid())
            os._exit(0)
        os.waitpid(r, 0)
        print("sid", os.getsid(0) == os.getpid(), "fg was me", g0 == os.getpgrp())
        libc = ctypes.CDLL(None, use_errno=True)
        v = ctypes.c_int(os.getpgrp())
        libc.ioctl(0, 0x5410, ctypes.byref(v))  # TIOCSPGRP
        print("own variable kept", v.value == os.getpgrp(), "sid", os.getsid(0) == libc.tcgetsid(0))
        try:
            os.tcsetpgrp(0, 99999)
        except OSError as e:
            print("missing group:", e.strerror)
    except OSError as e:
        print("error", e)
    os._exit(0)
out = b""
while True:
    try:
        d = os.read(fd, 1000)
    except OSError:
        break
    if not d: break
    out += d
os.waitpid(pid, 0)
print(out.decode().replace("\r", ""), end="")
'
