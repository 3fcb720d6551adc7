# A running program's file cannot be written (ETXTBSY): opened for
# writing, truncated by an open or by truncate(2), on the tmpfs and on a
# host bind, while any process runs it, and can be again once it exits or
# after an exec of it failed (LTP creat07). A dynamic program is mapped by
# ld.so under the emulate backend, which the host kernel does not count.
# veil: --bind $SCRATCH/w /tmp/w/rw
# native: mkdir /tmp/w/rw && mount --bind $SCRATCH/w /tmp/w/rw
set -u
PATH=/usr/bin:/bin
python3 -c '
import os, shutil, subprocess, time

def attempt(what, fn):
    try:
        fn()
        print(what, "ok")
    except OSError as e:
        print(what, os.strerror(e.errno))

for d in (".", "rw"):
    p = d + "/prog"
    shutil.copy("/usr/bin/sleep", p)
    proc = subprocess.Popen([p, "5"])
    # until it runs the program (a child is python until it has exec'"'"'d)
    for _ in range(100000):
        with open("/proc/%d/comm" % proc.pid) as f:
            if f.read().strip() == "prog":
                break
        time.sleep(0.001)
    attempt("write open", lambda: os.close(os.open(p, os.O_WRONLY)))
    attempt("read-write open", lambda: os.close(os.open(p, os.O_RDWR)))
    attempt("truncating open", lambda: os.close(os.open(p, os.O_RDONLY | os.O_TRUNC)))
    attempt("truncate", lambda: os.truncate(p, 0))
    attempt("read open", lambda: os.close(os.open(p, os.O_RDONLY)))
    proc.kill()
    proc.wait()
    attempt(d + ": write open once it exited", lambda: os.close(os.open(p, os.O_WRONLY | os.O_TRUNC)))
    # on a read-only mount: the running program first (ETXTBSY), as
    # file_get_write_access asks the inode before the mount
    if d == ".":
        proc = subprocess.Popen(["/usr/bin/sleep", "5"])
        for _ in range(100000):
            with open("/proc/%d/comm" % proc.pid) as f:
                if f.read().strip() == "sleep":
                    break
            time.sleep(0.001)
        attempt("read-only mount, write open", lambda: os.close(os.open("/usr/bin/sleep", os.O_WRONLY)))
        proc.kill()
        proc.wait()
    shutil.copy("/usr/bin/true", p)
    # an exec that fails (an argument over MAX_ARG_STRLEN): this process
    # goes on, and no one runs the file
    try:
        os.execv(p, [p, "x" * 200000])
    except OSError as e:
        print("exec", os.strerror(e.errno))
    attempt("write open after the failed exec", lambda: os.close(os.open(p, os.O_WRONLY)))
'
