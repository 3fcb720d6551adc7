# chattr under a read-only bind is refused and the host's file keeps its
# flags (under the emulate backend the program's fd there is the host's
# file itself: the sentry traps the ioctls that change an inode); a
# writable bind and the tmpfs take the flag, files and directories alike.
# veil: --ro-bind $SCRATCH/l1 /tmp/w/ro --bind $SCRATCH/l2 /tmp/w/rw
# native: mkdir /tmp/w/ro /tmp/w/rw && mount --bind $SCRATCH/l1 /tmp/w/ro && mount -o remount,bind,ro /tmp/w/ro && mount --bind $SCRATCH/l2 /tmp/w/rw
set -u
PATH=/usr/bin:/bin
chattr +d ro/a; echo "ro file: $?"
chattr +d ro/d; echo "ro dir: $?"
lsattr ro/a; lsattr -d ro/d
chattr +d rw/both; echo "rw file: $?"
chattr +d rw/d; echo "rw dir: $?"
lsattr rw/both; lsattr -d rw/d
chattr -d rw/both rw/d; lsattr rw/both; lsattr -d rw/d
echo t > t; chattr +d t; echo "tmpfs file: $?"; lsattr t
mkdir td; chattr +d td; echo "tmpfs dir: $?"; lsattr -d td
chattr +A -d td; lsattr -d td; chattr +S td 2>&1; echo "sync flag on tmpfs: $?"
# The same ioctl by hand, its command with bits above the low 32 set
# (the kernel reads an unsigned int), and one from a read-only open.
python3 -c '
import fcntl, os, struct
for path in ("ro/a", "rw/both"):
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.ioctl(fd, 0x40086602 | (7 << 32), struct.pack("i", 0x40 | 0x80000))
        print(path, "set")
    except OSError as e:
        print(path, os.strerror(e.errno))
    flags = struct.unpack("i", fcntl.ioctl(fd, 0x80086601, b"\0" * 4))[0]
    print(path, "nodump" if flags & 0x40 else "plain")
    os.close(fd)
'
chattr -d rw/both
# Bad pointers: EFAULT, as from the kernel, reading or writing the flags.
python3 -c '
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open("rw/both", os.O_RDONLY)
for cmd in (0x40086602, 0x80086601):
    r = libc.syscall(16, fd, ctypes.c_ulong(cmd), ctypes.c_void_p(8))
    print(hex(cmd), r, errno.errorcode.get(ctypes.get_errno()))
'
