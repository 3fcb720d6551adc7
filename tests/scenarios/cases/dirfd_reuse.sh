# Directory and file fds the program replaces natively (dup2, close and reopen,
# the number taken by a file or a pipe, a fork that changes its copy):
# every later call on the fd must see what the fd is now. The sentry
# caches what a directory fd (and a file fd it hands over) stands for; a stale answer here would be one
# file taken for another.
set -u
PATH=/usr/bin:/bin
python3 -c '
import os, stat
for d, f in (("a", "x"), ("b", "y"), ("c", "z")):
    os.mkdir(d)
    open(d + "/" + f, "w").close()
ino = {d: os.stat(d).st_ino for d in "abc"}
def names(fd):
    return sorted(os.listdir(fd))
def has(fd, name):
    try:
        os.stat(name, dir_fd=fd, follow_symlinks=False)
        return True
    except OSError as e:
        return e.strerror
def same(fd, d):
    return os.fstat(fd).st_ino == ino[d]
fa = os.open("a", os.O_RDONLY | os.O_DIRECTORY)
fb = os.open("b", os.O_RDONLY | os.O_DIRECTORY)
for i in range(3):
    print("a:", names(fa), has(fa, "x"), same(fa, "a"))
os.dup2(fb, fa)
print("after dup2 b over a:", names(fa), has(fa, "x"), has(fa, "y"), same(fa, "b"))
os.close(fa)
fc = os.open("c", os.O_RDONLY | os.O_DIRECTORY)
print("reopened number:", fc == fa, names(fc), has(fc, "z"), same(fc, "c"))
os.close(fc)
ff = os.open("a/x", os.O_RDONLY)
print("a file on that number:", ff == fc, stat.S_ISREG(os.fstat(ff).st_mode), has(ff, "x"))
r, w = os.pipe()
os.close(ff)
os.dup2(r, fc)
print("a pipe on that number:", stat.S_ISFIFO(os.fstat(fc).st_mode), has(fc, "x"))
os.close(fc)
os.close(r)
os.close(w)
fa = os.open("a", os.O_RDONLY | os.O_DIRECTORY)
print("a again:", names(fa), same(fa, "a"))
pid = os.fork()
if pid == 0:
    os.dup2(fb, fa)
    print("child, b over a:", names(fa), same(fa, "b"))
    os._exit(0)
os.waitpid(pid, 0)
print("parent still a:", names(fa), has(fa, "x"), same(fa, "a"))
d = os.dup(fa)
os.close(fa)
os.mkdir("a/new")
print("dup of a:", names(d), same(d, "a"))
fx = os.open("a/x", os.O_RDONLY)
fy = os.open("b/y", os.O_RDWR)
ix, iy = os.stat("a/x").st_ino, os.stat("b/y").st_ino
print("file x:", os.fstat(fx).st_ino == ix, os.fstat(fx).st_ino == ix)
try:
    os.ftruncate(fx, 3)
except OSError as e:
    print("ftruncate read-only:", e.strerror)
os.dup2(fy, fx)
os.ftruncate(fx, 3)
print("after dup2 y over x:", os.fstat(fx).st_ino == iy, os.fstat(fx).st_size)
os.close(fx)
fz = os.open("c/z", os.O_RDONLY)
print("z on that number:", fz == fx, os.fstat(fz).st_ino == os.stat("c/z").st_ino, os.fstat(fz).st_size)
'
