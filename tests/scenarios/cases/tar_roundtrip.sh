# tar c/x keeps names, modes, links and contents.
set -u
mkdir -p src/sub
echo one > src/one
echo two > src/sub/two
ln -s one src/link
chmod 640 src/one
tar cf a.tar src
mkdir dst
tar xf a.tar -C dst
find dst | sort
stat -c '%n %a %F' dst/src/one dst/src/link dst/src/sub/two
cat dst/src/sub/two
tar tf a.tar | sort
