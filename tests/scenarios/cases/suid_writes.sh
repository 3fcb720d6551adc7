# A write keeps S_ISUID/S_ISGID when the writer has CAP_FSETID (root's
# write, root's O_TMPFILE made 07777: LTP openat03) and loses them when it
# has not (another user's write: pjdfstest chmod/12), on the tmpfs where
# the emulate backend's writes are native on a data file.
set -u
PATH=/usr/bin:/bin
python3 -c '
import os, stat
def mode(st):
    return oct(stat.S_IMODE(st.st_mode))
open("f", "w").close()
os.chmod("f", 0o6777)
fd = os.open("f", os.O_WRONLY)
os.write(fd, b"x")
os.close(fd)
print("root write:", mode(os.stat("f")))
fd = os.open(".", os.O_TMPFILE | os.O_RDWR, 0o7777)
os.write(fd, b"x")
print("root O_TMPFILE write:", mode(os.fstat(fd)))
os.close(fd)
pid = os.fork()
if pid == 0:
    os.setgid(65534)
    os.setuid(65534)
    fd = os.open("f", os.O_WRONLY)
    os.write(fd, b"y")
    os.close(fd)
    os._exit(0)
os.waitpid(pid, 0)
print("another user write:", mode(os.stat("f")))
'
