# execve recomputes the capability sets (capabilities(7)), under
# --unshare-user --uid 0 as bubblewrap's root: a capability dropped from
# the bounding set is gone from permitted after the exec (capsh --drop),
# and root's effective set comes back after a capset dropped it (issue
# 11). (A setuid to another user needs a uid the kernel backend's user
# namespace does not map: creds_exec's unit test has it.)
# veil: --unshare-user --uid 0
# reference: kernel
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
capsh --drop=cap_chown -- -c 'grep -E "^Cap(Prm|Eff|Bnd)" /proc/self/status'
python3 -c '
import ctypes, os
libc = ctypes.CDLL(None)
h = (ctypes.c_uint32 * 2)(0x20080522, 0); d = (ctypes.c_uint32 * 6)()
libc.capget(h, d); d[0] = 0; d[3] = 0
print("capset", libc.capset(h, d))
os.execv("/bin/grep", ["grep", "-E", "^Cap(Prm|Eff)", "/proc/self/status"])
'
