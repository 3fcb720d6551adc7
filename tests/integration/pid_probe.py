# Every call that names a process, thread, group or session by number,
# made on the pids given on the command line; prints one word per call
# and pid: "ok" or the errno's name (emulate_pids.sh compares them).
#
#   pid_probe.py PID...     a pid; a group for the group calls
#   pid_probe.py --own      on a child of its own (and its group)
import ctypes, errno, os, signal, subprocess, sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
buf = ctypes.create_string_buffer(4096)
b = ctypes.addressof(buf)
mask = ctypes.create_string_buffer(128)
libc.sched_getaffinity(0, 128, mask)


def sc(nr, *a):
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(x) for x in a])
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]


def capget(p):
    hdr = (ctypes.c_uint32 * 2)(0x20080522, p)
    return sc(125, ctypes.addressof(hdr), b)


def sigqueue(nr, *a):
    info = (ctypes.c_int * 32)()
    info[0], info[2] = 0, -1  # si_signo 0 (a probe), si_code SI_QUEUE
    return sc(nr, *a, ctypes.addressof(info))


def setown(p, how):
    import socket
    with socket.socket() as so:
        if how == "fcntl":
            return sc(72, so.fileno(), 8, p)          # fcntl F_SETOWN
        if how == "ex":
            owner = (ctypes.c_int * 2)(1, p)          # F_OWNER_PID
            return sc(72, so.fileno(), 15, ctypes.addressof(owner))  # F_SETOWN_EX
        who = ctypes.c_int(p)
        cmd = 0x8901 if how == "FIOSETOWN" else 0x8902  # SIOCSPGRP
        return sc(16, so.fileno(), cmd, ctypes.addressof(who))


def probes(p):
    return [
        sc(62, p, 0),                      # kill(p, 0)
        sc(62, -p, 0),                     # kill(-group, 0)
        sc(200, p, 0),                     # tkill
        sc(234, p, p, 0),                  # tgkill
        sigqueue(129, p, 0),               # rt_sigqueueinfo
        sigqueue(297, p, p, 0),            # rt_tgsigqueueinfo
        sc(124, p),                        # getsid
        sc(121, p),                        # getpgid
        sc(140, 0, p),                     # getpriority(PRIO_PROCESS)
        sc(140, 1, p),                     # getpriority(PRIO_PGRP)
        sc(143, p, b),                     # sched_getparam
        sc(145, p),                        # sched_getscheduler
        sc(148, p, b),                     # sched_rr_get_interval
        sc(204, p, 128, b),                # sched_getaffinity
        sc(315, p, b, 56, 0),              # sched_getattr
        sc(252, 1, p),                     # ioprio_get(IOPRIO_WHO_PROCESS)
        sc(252, 2, p),                     # ioprio_get(IOPRIO_WHO_PGRP)
        sc(274, p, b, b + 64),             # get_robust_list
        sc(434, p, 0),                     # pidfd_open
        sc(312, p, p, 0, 0, 0),            # kcmp(KCMP_FILE, 0, 0)
        sc(312, os.getpid(), p, 0, 0, 0),  # kcmp(self, p)
        sc(310, p, b, 0, b, 0, 0),         # process_vm_readv, nothing
        sc(311, p, b, 0, b, 0, 0),         # process_vm_writev, nothing
        sc(302, p, 7, 0, b),               # prlimit64 read
        capget(p),
        sc(109, 0, p),                     # setpgid(0, group): join it
        sc(141, 0, p, 0),                  # setpriority(PRIO_PROCESS, p, 0)
        sc(203, p, 128, ctypes.addressof(mask)),  # sched_setaffinity, as it is
        sc(251, 1, p, 0),                  # ioprio_set(IOPRIO_WHO_PROCESS, p, 0)
        setown(p, "fcntl"),
        setown(-p, "fcntl"),               # a group
        setown(p, "ex"),
        setown(p, "FIOSETOWN"),
        setown(-p, "SIOCSPGRP"),
    ]


if sys.argv[1:] == ["--own"]:
    # a child in a group of its own, then the calls on it
    c = subprocess.Popen(["sleep", "30"], process_group=0)
    out = probes(c.pid)
    c.kill()
    c.wait()
    print(" ".join(out))
else:
    for p in sys.argv[1:]:
        print(" ".join(probes(int(p))))
