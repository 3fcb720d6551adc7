# What an open may do with the file it creates, and what a write by someone
# else does to setuid bits, on the sandbox's tmpfs, a host bind and an
# overlay with its upper in memory (issue 11 causes 4, 5 and 9):
# - an open that creates a file may write it whatever the new mode says
#   (O_CREAT|O_WRONLY 0444, `umask 0277; echo > f`: git's object store,
#   tar, cp -a), and a failed creating open leaves no file behind;
# - ftruncate on an O_RDWR fd of a file first made by an O_RDONLY open
#   (pjdfstest ftruncate/00): the caller's open decides, not another's;
# - a write or truncate by a user without CAP_FSETID clears S_ISUID, and
#   S_ISGID when group-exec is set or the writer is not in the file's group
#   (pjdfstest chmod/12).
# Not compared, as the emulate backend differs: a native write by root
# (CAP_FSETID) clears the bits there too (the program's own write has no
# capability; the host kernel's rule applies, on a host bind as on the
# tmpfs's data file), and a write keeps S_ISGID without group-exec.
# veil: --bind $SCRATCH/u /tmp/w/h --overlay-src $SCRATCH/l1 --tmp-overlay /tmp/w/ov
# native: mkdir -p /tmp/.o/u /tmp/.o/w /tmp/w/h /tmp/w/ov && mount --bind $SCRATCH/u /tmp/w/h && mount -t overlay overlay -o lowerdir=$SCRATCH/l1,upperdir=/tmp/.o/u,workdir=/tmp/.o/w /tmp/w/ov
set -u
PATH=/usr/bin:/bin
mkdir t
chmod 1777 t h ov
python3 -c '
import os, stat, sys
def mode(p):
    return oct(stat.S_IMODE(os.stat(p).st_mode))
def err(e):
    return os.strerror(e.errno)
def as_user(fn):
    # A child with uid/gid 65534: the parent stays root for the next case.
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            fn()
        except OSError as e:
            print("  unexpected:", err(e))
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)
for d in ("t", "h", "ov"):
    print(d + ":")
    # Cause 4, as root.
    fd = os.open(d + "/tr", os.O_CREAT | os.O_RDONLY, 0o644)
    fd2 = os.open(d + "/tr", os.O_RDWR)
    try:
        os.ftruncate(fd2, 5)
        print("  ftruncate O_RDWR after an O_RDONLY create:", os.fstat(fd2).st_size)
    except OSError as e:
        print("  ftruncate O_RDWR after an O_RDONLY create:", err(e))
    try:
        os.ftruncate(fd, 1)
        print("  ftruncate O_RDONLY: done")
    except OSError as e:
        print("  ftruncate O_RDONLY:", err(e))
    os.close(fd)
    os.close(fd2)
    # Setuid files of root, for cause 5.
    for name, m in (("su", 0o4777), ("sg", 0o2777), ("sgnx", 0o2767), ("sut", 0o6777)):
        with open(d + "/" + name, "w") as f:
            f.write("x")
        os.chmod(d + "/" + name, m)
    def user():
        # Cause 9: the creating open may write whatever the mode.
        try:
            fd = os.open(d + "/ro", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
            os.write(fd, b"data\n")
            os.close(fd)
            print("  create 0444 for writing:", mode(d + "/ro"), os.stat(d + "/ro").st_size)
        except OSError as e:
            print("  create 0444 for writing:", err(e), os.path.exists(d + "/ro"))
        try:
            os.open(d + "/ro", os.O_WRONLY)
        except OSError as e:
            print("  reopen 0444 for writing:", err(e))
        old = os.umask(0o277)
        try:
            with open(d + "/um", "w") as f:
                f.write("echo\n")
            print("  umask 0277 then write:", mode(d + "/um"))
        except OSError as e:
            print("  umask 0277 then write:", err(e), os.path.exists(d + "/um"))
        os.umask(old)
        # Cause 5: writes and truncates by a non-owner without CAP_FSETID.
        for name in ("su", "sg"):
            fd = os.open(d + "/" + name, os.O_WRONLY)
            os.write(fd, b"y")
            os.close(fd)
            print("  after a write:", name, mode(d + "/" + name))
        for name in ("sut", "sgnx"):
            fd = os.open(d + "/" + name, os.O_WRONLY)
            os.ftruncate(fd, 0)
            os.close(fd)
            print("  after ftruncate:", name, mode(d + "/" + name))
    as_user(user)
    # Root (CAP_FSETID) keeps the bits through a truncate.
    os.chmod(d + "/su", 0o6777)
    os.truncate(d + "/su", 0)
    print("  root truncate: su", mode(d + "/su"))
'
