# cwd is shared by threads (CLONE_FS) and copied by fork; umask too.
set -u
PATH=/usr/bin:/bin
python3 -c '
import os, threading
os.mkdir("a"); os.mkdir("b")
def t():
    os.chdir("a")
    os.umask(0o077)
th = threading.Thread(target=t); th.start(); th.join()
print("main thread now in", os.path.basename(os.getcwd()))
open("f", "w").close()
print("umask from the thread:", oct(os.stat("f").st_mode & 0o777))
pid = os.fork()
if pid == 0:
    os.chdir("../b")
    os.umask(0)
    os._exit(0)
os.waitpid(pid, 0)
print("after the child moved, parent in", os.path.basename(os.getcwd()))
open("g", "w").close()
print("umask after the child changed its own:", oct(os.stat("g").st_mode & 0o777))
'
