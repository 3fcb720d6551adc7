# The old time setters, utime, utimes and futimesat, as raw syscalls (libc
# calls utimensat for them): the emulate backend serves them as the kernel
# does, times and errors alike.
set -u
touch f
python3 - <<'PY'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def call(nr, *a):
    r = libc.syscall(ctypes.c_long(nr), *a)
    return r if r == 0 else -ctypes.get_errno()
class TV(ctypes.Structure):
    _fields_ = [("s", ctypes.c_long), ("us", ctypes.c_long)]
def times(p):
    st = os.stat(p)
    return "%d %d" % (st.st_atime_ns, st.st_mtime_ns)
ub = (ctypes.c_long * 2)(1000000000, 1100000000)
print("utime", call(132, b"f", ub), times("f"))
tv = (TV * 2)(TV(1200000000, 5), TV(1300000000, 7))
print("utimes", call(235, b"f", tv), times("f"))
d = os.open(".", os.O_RDONLY)
tv = (TV * 2)(TV(1400000000, 9), TV(1500000000, 11))
print("futimesat", call(261, d, b"f", tv), times("f"))
fd = os.open("f", os.O_RDONLY)
tv = (TV * 2)(TV(1600000000, 13), TV(1600000001, 15))
print("futimesat fd", call(261, fd, None, tv), times("f"))
print("futimesat cwd NULL", call(261, -100, None, tv))
print("utimes NULL", call(235, None, tv), "utimensat cwd NULL", call(280, -100, None, None, 0))
bad = (TV * 2)(TV(1, 1000000), TV(1, 0))
print("utimes bad usec", call(235, b"f", bad))
print("utime missing", call(132, b"nonexistent", ub))
print("utime now", call(132, b"f", None), os.stat("f").st_mtime > 1700000000)
print("utimes now", call(235, b"f", None), os.stat("f").st_mtime > 1700000000)
PY
