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
# A directory fd the sentry's fd cache keeps (the shell's own, long-lived:
# its open file lived on in the cache, so the lock did too).
mkdir dsh
exec 3<dsh
flock 3
exec 3<&-
flock -n dsh -c 'echo dir lock free after the shell closed it' || echo 'dir lock still held'
exec 3<dsh
flock -s 3
flock -n dsh -c 'echo not reached' || echo dir lock held conflicts
exec 3<&-
flock -n dsh -c 'echo dir lock free again'
# A flock that waits blocks the program only: the holder's later calls
# are still served meanwhile.
mkdir dwait
flock dwait -c 'sleep 0.5; ls dwait' &
sleep 0.1
flock dwait -c 'echo waited for the holder'
wait
python3 -c '
import fcntl, os, struct
def ofd(fd, cmd, kind):
    r = fcntl.fcntl(fd, cmd, struct.pack("hhqqi", kind, 0, 0, 0, 0))
    return struct.unpack("hhqqi", r)[0]
os.mkdir("dofd")
d = os.open("dofd", os.O_RDONLY | os.O_DIRECTORY)
os.fstat(d)
ofd(d, fcntl.F_OFD_SETLKW, fcntl.F_RDLCK)
e = os.open("dofd", os.O_RDONLY | os.O_DIRECTORY)
print("dir OFD lock held seen:", ofd(e, fcntl.F_OFD_GETLK, fcntl.F_WRLCK) == fcntl.F_RDLCK)
os.close(d)
print("dir OFD lock free after close:", ofd(e, fcntl.F_OFD_GETLK, fcntl.F_WRLCK) == fcntl.F_UNLCK)
fl = fcntl.flock
f = os.open("dofd", os.O_RDONLY | os.O_DIRECTORY)
os.listdir(f)
fl(f, fcntl.LOCK_EX)
os.close(f)
g = os.open("dofd", os.O_RDONLY | os.O_DIRECTORY)
try:
    fl(g, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("dir flock free after close (python)")
except OSError as x:
    print("dir flock still held", x.errno)
'
