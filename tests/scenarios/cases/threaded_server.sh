# A threaded server (python's ThreadingHTTPServer: every request on its own
# thread, which fstat()s the file it sends): each thread's fd calls must
# reach its own fd table (they were ESRCH under the sentry, issue 11).
set -u
PATH=/usr/bin:/bin
mkdir www
echo "served from a thread" > www/page.txt
python3 - <<'PY'
import functools, http.server, threading, urllib.request
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory="www")
class Quiet(handler.func):
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory="www"))
t = threading.Thread(target=srv.serve_forever, daemon=True)
t.start()
port = srv.server_address[1]
for i in range(3):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/page.txt", timeout=20) as r:
        print(r.status, r.read().decode().strip(), r.headers["Content-Length"])
srv.shutdown()
PY
