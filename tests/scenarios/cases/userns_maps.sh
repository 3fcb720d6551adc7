# The sandbox's user namespace as bubblewrap leaves it (issue 11): its
# uid_map and gid_map map the sandbox's ids to the caller's, one each, and
# setgroups is "deny", so setgroups(2) is EPERM even for the sandbox's
# root (under emulate the sandbox's root could set any groups, and the
# three files were missing).
# veil: --unshare-user --uid 0
# reference: kernel
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
for f in setgroups uid_map gid_map; do
	printf '%s: %s\n' "$f" "$(cat /proc/self/$f)"
done
ls -l /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups | cut -c1-10
python3 -c '
import os
try:
    os.setgroups([0])
    print("setgroups: ok")
except OSError as e:
    print("setgroups:", e.strerror)
try:
    os.setgroups(list(range(70000)))
except (OSError, ValueError) as e:
    print("setgroups, too many:", e)
'
