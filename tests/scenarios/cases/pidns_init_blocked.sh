# --unshare-pid --as-pid-1: the namespace's init takes a signal it has no
# handler for neither when it is sent (dropped) nor when it was blocked
# then and is unblocked later (discarded at delivery, as the kernel's
# get_signal does for an unkillable init); a blocked one is still there
# for sigtimedwait (tini's way), and a handled one reaches its handler.
# veil: --unshare-pid --as-pid-1
# reference: kernel
set -u
PATH=/usr/bin:/bin
exec python3 -c '
import os, signal, time
p = print
p("pid", os.getpid())
def send(sig):
    pid = os.fork()
    if pid == 0:
        os.kill(1, sig); os._exit(0)
    os.waitpid(pid, 0)
send(signal.SIGUSR1)
p("unblocked, no handler: alive")
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1, signal.SIGUSR2])
send(signal.SIGUSR1)
p("pending while blocked:", signal.SIGUSR1 in signal.sigpending())
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1])
time.sleep(0.1)
p("unblocked later, no handler: alive")
send(signal.SIGUSR2)
si = signal.sigtimedwait([signal.SIGUSR2], 5)
p("sigtimedwait took", si.si_signo == signal.SIGUSR2 if si else None)
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
send(signal.SIGUSR1)
time.sleep(0.1)
p("handled:", got == [signal.SIGUSR1])
'
