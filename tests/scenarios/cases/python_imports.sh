# python3 from the read-only /usr, importing from the standard library.
set -u
PATH=/usr/bin:/bin
python3 -c '
import json, os, sys, tempfile, hashlib
print(json.dumps({"cwd": os.getcwd(), "prefix": sys.prefix}, sort_keys=True))
with tempfile.NamedTemporaryFile(dir=".", delete=False) as f:
    f.write(b"abc")
print(os.path.getsize(f.name), hashlib.sha256(open(f.name, "rb").read()).hexdigest()[:16])
os.unlink(f.name)
print(sorted(os.listdir(".")))
'
