# --unshare-cgroup (issue 12): the sandbox sits at the root of its cgroup
# tree, whatever cgroup veil was started in; a child sees the same.
# veil: --unshare-cgroup
# native-exec: unshare --cgroup
set -u
PATH=/usr/bin:/bin
cat /proc/self/cgroup
sh -c 'cat /proc/$$/cgroup' | sort
