# Permission bits, umask, touch -d, mkfifo, du, find.
set -u
umask 022
touch f
mkdir d
stat -c '%n %a' f d
umask 077
touch g
mkdir e
stat -c '%n %a' g e
chmod 4755 f
chmod g+s d
chmod o+t e
stat -c '%n %a %A' f d e
touch -d '2001-02-03 04:05:06' f
stat -c '%n %y' f
mkfifo p
stat -c '%n %F %a' p
mkdir -p t/a/b t/c
echo 1 > t/a/b/x
echo 22 > t/c/y
find t | sort
find t -type f | sort
find t -name 'y' -o -name 'b' | sort
du -a --apparent-size -b t | sort -k2
