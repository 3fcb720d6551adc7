# Append-only and immutable files and directories on the tmpfs (chattr +a,
# +i; LTP setxattr03): no write open, truncation, attribute or xattr
# change, link, rename or removal; appends only to an append-only file;
# nothing created in or removed from an immutable directory; then the flags
# come off and everything goes. The emulate backend keeps the two flags in
# its VFS and enforces them there (the host's would need
# CAP_LINUX_IMMUTABLE).
set -u
echo data > f; mkdir d; echo x > d/in; echo a > ap
chattr +i f d; echo "chattr +i: $?"; chattr +a ap; echo "chattr +a: $?"
lsattr -l f ap | sed 's/  */ /g'; lsattr -ld d | sed 's/  */ /g'
python3 -c '
import os
def t(what, fn):
    try:
        fn(); print(what, "ok")
    except OSError as e:
        print(what, os.strerror(e.errno))
for p in ("f", "ap"):
    t(p + " write open", lambda: os.close(os.open(p, os.O_WRONLY)))
    t(p + " append open", lambda: os.close(os.open(p, os.O_WRONLY | os.O_APPEND)))
    t(p + " trunc open", lambda: os.close(os.open(p, os.O_RDONLY | os.O_TRUNC)))
    t(p + " truncate", lambda: os.truncate(p, 0))
    t(p + " chmod", lambda: os.chmod(p, 0o600))
    t(p + " chown", lambda: os.chown(p, 0, 0))
    t(p + " utime now", lambda: os.utime(p))
    t(p + " utime set", lambda: os.utime(p, (1, 1)))
    t(p + " setxattr", lambda: os.setxattr(p, "user.x", b"1"))
    t(p + " link", lambda: os.link(p, p + ".l"))
    t(p + " rename", lambda: os.rename(p, p + ".r"))
    t(p + " unlink", lambda: os.unlink(p))
    t(p + " access W", lambda: os.access(p, os.W_OK) or (_ for _ in ()).throw(OSError(13, "")))
t("d create", lambda: os.close(os.open("d/new", os.O_CREAT | os.O_WRONLY)))
t("d unlink", lambda: os.unlink("d/in"))
t("d write in", lambda: os.close(os.open("d/in", os.O_WRONLY)))
t("d rmdir", lambda: os.rmdir("d"))
fd = os.open("ap", os.O_WRONLY | os.O_APPEND)
os.write(fd, b"more\n"); os.close(fd)
print(open("ap").read().split())
'
chattr -i f d; chattr -a ap; echo "chattr -: $?"; rm -r f d ap && echo removed
