# FIFO opens: blocking ones (a waiter) against nonblocking ones (the loop).
# See docs/performance.md, "FIFO opens". Run in an empty writable cwd.
import os, time
os.mkfifo("f")
r = os.open("f", os.O_RDONLY | os.O_NONBLOCK)
for name, fl in (("O_WRONLY (waiter)", os.O_WRONLY), ("O_WRONLY|O_NONBLOCK (loop)", os.O_WRONLY | os.O_NONBLOCK)):
    t = time.monotonic()
    for _ in range(300):
        os.close(os.open("f", fl))
    print(name, "%.0f us per open" % ((time.monotonic() - t) / 300 * 1e6))
