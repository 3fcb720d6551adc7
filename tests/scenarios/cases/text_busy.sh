# A running program's file cannot be written (ETXTBSY): opened for
# writing, truncated by an open or by truncate(2), on the tmpfs and on a
# host bind, while any process runs it, and can be again once it exits or
# after an exec of it failed (LTP creat07). A dynamic program is mapped by
# ld.so under the emulate backend, which the host kernel does not count.
# veil: --bind $SCRATCH/w /tmp/w/rw
# native: mkdir /tmp/w/rw && mount --bind $SCRATCH/w /tmp/w/rw
set -u
PATH=/usr/bin:/bin
for d in . rw; do
	cp /usr/bin/sleep "$d/prog"
	"$d/prog" 5 &
	p=$!
	# until it runs the program (a child is "sh" until it has exec'd)
	n=0
	until [ "$(cat /proc/$p/comm)" = prog ] || [ $n -ge 100000 ]; do n=$((n + 1)); done
	python3 -c '
import os, sys
p = sys.argv[1]
for what, flags in (("write open", os.O_WRONLY), ("read-write open", os.O_RDWR),
                    ("truncating open", os.O_RDONLY | os.O_TRUNC)):
    try:
        os.close(os.open(p, flags)); print(what, "ok")
    except OSError as e:
        print(what, os.strerror(e.errno))
try:
    os.truncate(p, 0); print("truncate ok")
except OSError as e:
    print("truncate", os.strerror(e.errno))
os.close(os.open(p, os.O_RDONLY)); print("read open ok")
' "$d/prog"
	kill $p
	wait $p
	: >"$d/prog" && echo "$d: writable once it exited"
	cp /usr/bin/true "$d/prog"
	# an exec that fails (an argument over MAX_ARG_STRLEN): no one runs it
	python3 -c '
import os, sys
try:
    os.execv(sys.argv[1], [sys.argv[1], "x" * 200000])
except OSError as e:
    print("exec", os.strerror(e.errno))
os.close(os.open(sys.argv[1], os.O_WRONLY)); print("writable after the failed exec")
' "$d/prog"
done
