# Ptys: /dev/ptmx allocates a real one, /dev/pts lists the sandbox's own
# while they are held, a slave opens by name, ttyname() and tty(1) name
# it, and job control works on it. Pty numbers are not printed: under
# --backend=emulate they are the host's.
set -u
script -qc 'tty >/dev/null && echo tty-ok; stty -a | head -1' /dev/null | tr -d '\r'
python3 - <<'EOF'
import os, pty, subprocess, sys
import signal
signal.alarm(60)  # a lost byte must fail the case, not hang the suite
def read_until(fd, end):
    got = b""
    while not got.endswith(end):
        got += os.read(fd, 100)
    return got
m, s = os.openpty()
os.write(m, b"through the master\n")
print("slave reads:", os.read(s, 100))
print("master reads its echo:", read_until(m, b"\r\n"))
os.write(s, b"back\n")
print("master reads:", read_until(m, b"\r\n"))
out = subprocess.run(["ls", "/dev/pts"], capture_output=True, text=True).stdout.split()
print("pts entries besides ptmx:", len([n for n in out if n != "ptmx"]))
name = os.ttyname(s)
st, fs = os.stat(name), os.fstat(s)
print("ttyname under /dev/pts:", os.path.dirname(name))
print("node is the fd's tty:", (st.st_dev, st.st_ino, st.st_rdev) == (fs.st_dev, fs.st_ino, fs.st_rdev))
print("node mode %o, owner is me: %s" % (st.st_mode, (st.st_uid, st.st_gid) == (os.getuid(), os.getgid())))
ptmx = os.stat("/dev/pts/ptmx")
print("ptmx mode %o rdev %d:%d" % (ptmx.st_mode, os.major(ptmx.st_rdev), os.minor(ptmx.st_rdev)))
again = os.open(name, os.O_RDWR | os.O_NOCTTY)
os.write(again, b"by name\n")
print("opened by name, master reads:", read_until(m, b"\r\n"))
os.close(again); os.close(s); os.close(m)
print("after close, listed:", os.path.basename(name) in os.listdir("/dev/pts"), "exists:", os.path.exists(name))
print("pts entries:", sorted(os.listdir("/dev/pts")))
try:
    os.open("/dev/pts/" + os.path.basename(name), os.O_RDWR | os.O_NOCTTY)
    print("closed pty still opens")
except OSError as e:
    print("closed pty:", e.strerror)
sys.stdout.flush()
pid, fd = pty.fork()
if pid == 0:
    print("child: tty", os.isatty(0), "session leader", os.getsid(0) == os.getpid(),
          "foreground", os.tcgetpgrp(0) == os.getpgrp())
    os._exit(3)
data = b""
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
print(data.decode().replace("\r", "").strip())
print("child status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
EOF
# The classic way to a controlling terminal: a session leader opens the
# slave by name without O_NOCTTY; with O_NOCTTY it gets none.
python3 - <<'EOF'
import os, errno, fcntl, struct, sys
m = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY)
fcntl.ioctl(m, 0x40045431, struct.pack("i", 0))  # TIOCSPTLCK: unlock
n = struct.unpack("i", fcntl.ioctl(m, 0x80045430, b"\0\0\0\0"))[0]  # TIOCGPTN
name = "/dev/pts/%d" % n
def fg(fd):
    try:
        return "foreground" if os.tcgetpgrp(fd) == os.getpgrp() else "other group"
    except OSError as e:
        return errno.errorcode[e.errno]
pid = os.fork()
if pid == 0:
    os.setsid()
    quiet = os.open(name, os.O_RDWR | os.O_NOCTTY)
    out = ["with O_NOCTTY:", fg(quiet)]
    plain = os.open(name, os.O_RDWR)
    out += ["without:", fg(plain), "session", str(os.getsid(0) == os.getpid())]
    again = os.open(name, os.O_RDWR)
    out += ["again:", fg(again)]
    print(" ".join(out))
    sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
EOF
