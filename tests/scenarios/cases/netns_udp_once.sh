# veil: --unshare-net
# native-exec: unshare -n
# A datagram is received once (issue 12): a recvfrom that asks for the
# source's address is the sentry's under --unshare-net, a waiter's when it
# must wait, and its answer lets the task run on at once; a recv(2) with
# no address right after is native. The sentry answered first and took
# the message off the queue after, so that native recv found it again:
# 15-30 of 300 messages seen twice on an idle machine (signals_in_waits
# met it in CI). Now the message is taken before the answer.
set -u
PATH=/usr/bin:/bin
/usr/sbin/ip link set lo up 2>/dev/null || :
exec python3 -c '
import ctypes, socket, threading, time
libc = ctypes.CDLL(None, use_errno=True)
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
addr = r.getsockname()
buf = ctypes.create_string_buffer(16)
twice = wrong = 0
for i in range(300):
    t = threading.Thread(target=lambda: (time.sleep(0.002), s.sendto(b"m%d" % i, addr)))
    t.start()
    data, _ = r.recvfrom(16)
    wrong += data != b"m%d" % i
    twice += libc.recv(r.fileno(), buf, 16, 0x40) >= 0  # MSG_DONTWAIT
    t.join()
print("messages seen twice:", twice, "out of order:", wrong)
'
