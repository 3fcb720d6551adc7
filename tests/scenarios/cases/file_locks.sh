# Locks on an open file go with the program's last close of it: the
# sentry keeps no copy of an open file it handed over (flock, OFD locks),
# and a lock held still conflicts.
set -u
PATH=/usr/bin:/bin
# Each file's first open is the locking one (the sentry once kept the
# first open file of each object).
flock lk -c true && flock -n lk -c 'echo file lock free after close'
mkdir dlk
flock dlk -c true && flock -n dlk -c 'echo dir lock free after close'
flock lk -c 'flock -n lk -c "echo not reached" || echo file lock held conflicts'
python3 -c '
import fcntl, os, struct
def ofd(fd, kind):
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", kind, 0, 0, 0, 0))
for i in range(3):
    fd = os.open("lk%d" % i, os.O_RDWR | os.O_CREAT)
    ofd(fd, fcntl.F_WRLCK)
    os.close(fd)
    fd = os.open("lk%d" % i, os.O_RDWR)
    ofd(fd, fcntl.F_WRLCK)
    os.close(fd)
print("OFD locks free after close")
a = os.open("lk", os.O_RDWR)
ofd(a, fcntl.F_WRLCK)
b = os.open("lk", os.O_RDWR)
try:
    ofd(b, fcntl.F_WRLCK)
    print("second OFD lock taken")
except OSError as e:
    print("second OFD lock refused:", e.errno == 11)
os.close(a)
ofd(b, fcntl.F_WRLCK)
print("OFD lock free after close")
'
