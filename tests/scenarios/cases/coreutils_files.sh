# Files: create, copy, move, link, remove; what ls and stat say of them.
set -u
show() { stat -c '%n %F %s %a %h' "$@"; }
echo hello > a
printf 'x%.0s' $(seq 1 5000) > big
mkdir -p d/e/f
cp a d/b
cp -a d d2
mv d2/b d2/c
ln a hard
ln -s a soft
ln -s nowhere dangling
show a big d d/b d2/c hard soft
stat -L -c '%n %s' soft
readlink soft dangling
cat soft
ls -la --time-style=+ . | awk '{print $1, $2, $5, $NF}'
rm -r d2
rm hard
show a
ls
test -e dangling && echo dangling-exists || echo dangling-missing
test -L dangling && echo dangling-is-link
