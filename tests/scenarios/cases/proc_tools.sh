# The tools issue 5 names, reading /proc: top, mount, ls -l of the fd
# links (the sandbox's paths), df of the sandbox's own tmpfs.
set -u
PATH=/usr/bin:/bin
top -bn1 | sed -n '1s/ .*//p'
top -bn1 | awk 'NR > 7 && $NF == "top" { n++ } END { print "top lists itself:", n }'
mount | awk '$3 == "/tmp" || $3 == "/proc" { print $3, $5 }' | sort
exec 3>out
ls -l /proc/self/fd/3 | sed 's/.*-> //'
readlink /proc/self/fd/3
exec 3>&-
mkdir -p sub && cd sub && readlink /proc/self/cwd
df -h /tmp | awk 'NR == 2 { print $NF }'
# /proc/net: the sandbox's network is the host's under every backend here.
head -1 /proc/net/dev
python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
port = "%04X" % s.getsockname()[1]
print("own listener in /proc/self/net/tcp:", any(":" + port + " " in l for l in open("/proc/self/net/tcp")))
'
# RESOLVE_NO_XDEV refuses a magic link that jumps to another mount.
python3 -c '
import ctypes, os, errno
libc = ctypes.CDLL(None, use_errno=True)
class how(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]
fd = os.open("/usr/bin/env", os.O_RDONLY)
h = how(os.O_RDONLY, 0, 0x01)  # RESOLVE_NO_XDEV
d = os.open("/proc/self/fd", os.O_RDONLY)
r = libc.syscall(437, d, ("%d" % fd).encode(), ctypes.byref(h), ctypes.sizeof(h))
print("NO_XDEV through a magic link:", errno.errorcode.get(ctypes.get_errno()) if r < 0 else "opened")
'
