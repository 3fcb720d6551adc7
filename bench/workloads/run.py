#!/usr/bin/env python3
"""Real-workload benchmark: every runner as a ratio to native, in one run.

Workloads (POSIX sh scripts, the same text under every runner):
  untar     extract a tarball of /usr/include into a tmpfs
  find      find /usr -xdev | wc -l over a read-only /usr
  compile   gcc -O2 -c of 50 small generated C files in a tmpfs, in turn
  forkexec  a shell loop of 2000 /bin/true
  start     sh -c 'echo ok': one sandbox set-up and tear-down

Runners:
  native    no sandbox; the work dir is a fresh directory on /dev/shm (tmpfs)
  kernel    veil --backend=kernel with the view below
  bwrap     bubblewrap with the same flags
  proot     PRoot: -r of a prepared root (merged-usr symlinks only) plus -b
            binds of the same trees; /tmp is a fresh /dev/shm directory
  emulate   veil --backend=emulate with the view below less namespaces,
            which it does not have (skipped, with its message, if it fails
            at start); its /proc is the sentry's (fs/proc)
  emulate-ptrace  the same with --platform=ptrace (not run by default)
  emulate-before  the same with the --veil-before build (before/after figures)

The sandbox view: /usr read-only, the host's merged-usr symlinks (/bin, /lib,
/lib64, ... -> usr/...), /etc read-only, /proc, /dev, a tmpfs /tmp as the work
dir, and the harness's data (tarball, C sources) read-only on /bench. PRoot
cannot do read-only, tmpfs, or a new /proc and /dev: its binds are writable,
/proc and /dev are the host's, and /tmp is a fresh directory on /dev/shm.

Each workload: one warm-up run per runner (untimed, output checked), then
REPS timed runs, the runners interleaved and rotated each round so that load
on the other CPU falls on all of them. A runner whose first run takes longer
than --slow seconds gets --slow-reps runs, its warm-up counting as the first
(the page cache is warm from native's warm-up). After each run the harness
waits, untimed, until every process of the run is gone: bwrap returns before
its sandbox's pid 1 has torn the mounts down. Every run's stdout must equal
native's and its exit status be 0, or the runner is flagged WRONG.

Reported per workload and runner: the median wall time, its ratio to
native's median, min-max, and the median CPU time (user+sys of the run and
all it started, from a cgroup the harness moves itself into when it can).

Python 3 standard library only. Run as root, it apt-gets the tools it lacks
(tar, findutils, gcc, coreutils, mawk, bubblewrap, proot) unless
VEIL_BENCH_NO_INSTALL is set; VEIL_BENCH_CACHE sets the default --cache.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.dirname(os.path.dirname(HERE))

# tool -> Debian package, installed when missing and running as root.
TOOLS = {
    "tar": "tar",
    "find": "findutils",
    "gcc": "gcc",
    "cksum": "coreutils",
    "awk": "mawk",
    "bwrap": "bubblewrap",
    "proot": "proot",
}

# ---------------------------------------------------------------- workloads

UNIT_C = """\
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int unit_%(n)d(const char *path);

int unit_%(n)d(const char *path)
{
	char buf[128];
	struct stat st;

	snprintf(buf, sizeof buf, "%%s/%(n)d", path);
	if (stat(buf, &st) < 0)
		return -errno;
	return (int)(strlen(buf) + (size_t)st.st_size %% %(m)d) + atoi(path);
}
"""

WORKLOADS = {
    # $1: data dir (read-only), $2: work dir (tmpfs, the cwd).
    "untar": (
        'cd "$2" && tar -xf "$1/include.tar" && '
        "find . -type f -printf '%s\\n' | "
        "awk '{n++; s+=$1} END {print n \" files \" s \" bytes\"}'"
    ),
    "find": (
        # Directories the sandboxed root cannot read (no CAP_DAC_OVERRIDE
        # there, e.g. /usr/share/polkit-1/rules.d) are pruned everywhere, so
        # native root counts the same tree.
        'find "$3" -xdev -type d ! -perm -o=rx -prune -o -print | wc -l'
    ),
    "compile": (
        'cd "$2" && cp "$1"/src/*.c . && '
        'for f in *.c; do gcc -O2 -c "$f" || exit 1; done && '
        # Counted by the shell's glob: PRoot 5.1 does not translate statx,
        # so `ls` would fail there for a reason that is not the compile's.
        'set -- *.o && echo "$# objects" && cat "$@" | cksum'
    ),
    "forkexec": (
        'i=0; while [ $i -lt "$3" ]; do /bin/true || exit 1; i=$((i+1)); done; '
        'echo $i'
    ),
    # The fixed cost of one invocation: set the sandbox up, run sh, tear down.
    "start": 'echo ok',
}
ORDER = ["untar", "find", "compile", "forkexec", "start"]

SIZES = {
    # mode -> (tarball source, find tree, compile units, fork+exec count)
    "full": ("/usr/include", "/usr", 50, 2000),
    "quick": ("/usr/include/linux", "/usr/include", 10, 200),
}


def workload_arg(name, size):
    """The third positional argument of a workload's script."""
    return {"find": size[1], "forkexec": str(size[3])}.get(name, "-")


# ---------------------------------------------------------------- helpers

def log(*a):
    print(*a, file=sys.stderr, flush=True)


def have(tool):
    return shutil.which(tool) is not None


def ensure_tools(tools):
    missing = sorted({TOOLS[t] for t in tools if not have(t)})
    if not missing:
        return
    if os.geteuid() != 0 or not have("apt-get") or os.environ.get("VEIL_BENCH_NO_INSTALL"):
        log("bench: missing packages (not installing):", " ".join(missing))
        return
    log("bench: installing", " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing,
                   env=env, check=False)


def merged_usr_links():
    """The host's / symlinks into usr/ (bin -> usr/bin, ...), sorted."""
    links = []
    for name in sorted(os.listdir("/")):
        p = os.path.join("/", name)
        if os.path.islink(p):
            target = os.readlink(p)
            if target.startswith("usr/") or target.startswith("/usr/"):
                links.append((name, target.lstrip("/")))
    return links


def prepare_cache(cache, mode):
    """Tarball and C sources, made once per mode; returns the data dir."""
    size = SIZES[mode]
    data = os.path.join(cache, mode)
    stamp = os.path.join(data, "stamp")
    want = json.dumps({"tar": size[0], "units": size[2], "v": 1})
    if os.path.exists(stamp) and open(stamp).read() == want:
        return data
    log(f"bench: preparing {data} (tarball of {size[0]}, {size[2]} C files)")
    if os.path.exists(data):
        shutil.rmtree(data)
    os.makedirs(os.path.join(data, "src"))
    parent, base = os.path.split(size[0].rstrip("/"))
    subprocess.run(["tar", "-cf", os.path.join(data, "include.tar"), "-C", parent, base],
                   check=True)
    for n in range(size[2]):
        with open(os.path.join(data, "src", f"u{n:03d}.c"), "w") as f:
            f.write(UNIT_C % {"n": n, "m": 97 + n})
    with open(stamp, "w") as f:
        f.write(want)
    return data


def proot_root(cache, links):
    """An almost empty root for proot -r: mount points and merged-usr links."""
    root = os.path.join(cache, "proot-root")
    os.makedirs(root, exist_ok=True)
    for d in ("usr", "etc", "proc", "dev", "tmp", "bench"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for name, target in links:
        p = os.path.join(root, name)
        if os.path.islink(p) and os.readlink(p) == target:
            continue
        if os.path.lexists(p):
            os.remove(p)
        os.symlink(target, p)
    return root


class CpuMeter:
    """CPU time of a run and everything it started, reaped or not.

    rusage misses what the runner does not wait for (bwrap's sandboxed
    processes), so the harness moves itself into a cgroup v2 leaf of its own
    (cpu.stat is there without any controller) and every run is born in it:
    a run's CPU is the difference of usage_usec around it (plus ~1 ms of the
    harness's own spawning). Migrating each child instead would add
    milliseconds to every run. rusage is the fallback.
    """

    def __init__(self):
        self.path = self.home = None
        for root in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup"):
            if not os.path.exists(os.path.join(root, "cgroup.procs")) or \
                    not os.path.exists(os.path.join(root, "cpu.stat")):
                continue
            try:
                home = self.own_cgroup(root)
                path = os.path.join(root, f"veil-bench-{os.getpid()}")
                os.mkdir(path)
            except OSError:
                continue
            try:
                self.move(path)
            except OSError:
                os.rmdir(path)
                continue
            self.path, self.home = path, home
            break
        self.source = "cgroup" if self.path else "rusage"

    @staticmethod
    def own_cgroup(root):
        with open("/proc/self/cgroup") as f:
            for line in f:
                if line.startswith("0::"):
                    return os.path.join(root, line[3:].strip().lstrip("/"))
        raise OSError("no cgroup v2 line")

    @staticmethod
    def move(path):
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    def read(self):
        """CPU seconds used in the cgroup so far, or None."""
        if not self.path:
            return None
        with open(os.path.join(self.path, "cpu.stat")) as f:
            for line in f:
                k, v = line.split()
                if k == "usage_usec":
                    return int(v) / 1e6
        return None

    def settle(self, limit=10.0):
        """Wait until no process but the harness is left in the cgroup (a
        runner may return before its sandbox is torn down); seconds waited."""
        if not self.path:
            return 0.0
        t0 = time.perf_counter()
        me = str(os.getpid())
        while time.perf_counter() - t0 < limit:
            with open(os.path.join(self.path, "cgroup.procs")) as f:
                if all(l.strip() == me for l in f if l.strip()):
                    break
            time.sleep(0.001)
        return time.perf_counter() - t0

    def close(self):
        if self.path:
            try:
                self.move(self.home)
                os.rmdir(self.path)
            except OSError as e:
                log(f"bench: could not remove {self.path}: {e}")


CPU = None


def host_workdir():
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    return tempfile.mkdtemp(prefix="veil-bench-", dir=base)


# ---------------------------------------------------------------- runners

class Runner:
    def __init__(self, name, prefix, host_work=False, bind_work=None):
        self.name = name
        self.prefix = prefix          # argv before /bin/sh -c ...
        self.host_work = host_work    # needs a host work dir per run
        self.bind_work = bind_work    # fn(workdir) -> extra argv (proot)
        self.note = ""

    def argv(self, script, data, arg3, work):
        if self.name == "native":
            return (["/bin/sh", "-c", script, "sh", data, work, arg3],
                    work, {"TMPDIR": work, "HOME": work})
        extra = self.bind_work(work) if self.bind_work else []
        return (self.prefix + extra + ["/bin/sh", "-c", script, "sh", "/bench", "/tmp", arg3],
                None, {"TMPDIR": "/tmp", "HOME": "/tmp"})


def sandbox_view(data, links, namespaces=True):
    """The view every sandboxed runner gets. The emulate backend has no
    namespaces (it refuses them by name), so it runs the same view without
    them (namespaces=False)."""
    view = ["--ro-bind", "/usr", "/usr"]
    for name, target in links:
        view += ["--symlink", target, "/" + name]
    view += ["--ro-bind", "/etc", "/etc", "--proc", "/proc"]
    view += ["--dev", "/dev", "--tmpfs", "/tmp", "--ro-bind", data, "/bench", "--chdir", "/tmp"]
    if namespaces:
        view += ["--unshare-all"]
    view += ["--die-with-parent"]
    return view


def make_runners(args, data, cache, links):
    view = sandbox_view(data, links)
    runners = {"native": Runner("native", [], host_work=True)}
    if args.veil:
        runners["kernel"] = Runner("kernel", [args.veil, "--backend=kernel"] + view)
        plain = sandbox_view(data, links, namespaces=False)
        runners["emulate"] = Runner("emulate", [args.veil, "--backend=emulate"] + plain)
        runners["emulate-ptrace"] = Runner(
            "emulate-ptrace", [args.veil, "--backend=emulate", "--platform=ptrace"] + plain)
    if args.veil_before:
        # Another veil build in the same interleaved runs: before/after.
        plain = sandbox_view(data, links, namespaces=False)
        runners["emulate-before"] = Runner(
            "emulate-before", [args.veil_before, "--backend=emulate"] + plain)
    if args.bwrap:
        runners["bwrap"] = Runner("bwrap", [args.bwrap] + view)
    if args.proot:
        root = proot_root(cache, links)
        prefix = [args.proot, "-r", root, "-b", "/usr", "-b", "/etc", "-b", "/proc",
                  "-b", "/dev", "-b", f"{data}:/bench", "-w", "/tmp"]
        runners["proot"] = Runner("proot", prefix, host_work=True,
                                  bind_work=lambda w: ["-b", f"{w}:/tmp"])
    return runners


def base_env():
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL": "C"}
    for k in ("TERM",):
        if k in os.environ:
            env[k] = os.environ[k]
    return env


def run_once(runner, script, data, arg3, timeout):
    """One run: (seconds, cpu seconds, seconds its processes outlived the
    runner, rc, stdout, stderr)."""
    work = host_workdir() if runner.host_work else None
    try:
        argv, cwd, extra = runner.argv(script, data, arg3, work)
        env = dict(base_env(), **extra)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            c0 = CPU.read() if CPU else None
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=err)
            # Block in wait4 (polling would steal the CPU the workload runs on);
            # a timer thread kills a run that hangs.
            timer = threading.Timer(timeout, p.kill)
            timer.daemon = True
            timer.start()
            _, status, ru = os.wait4(p.pid, 0)
            t1 = time.perf_counter()
            timer.cancel()
            if c0 is not None:
                linger = CPU.settle()
                cpu = CPU.read() - c0
            else:
                linger = 0.0
                cpu = ru.ru_utime + ru.ru_stime
            p.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode(errors="replace")
            stderr = err.read().decode(errors="replace")
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)
    return t1 - t0, cpu, linger, p.returncode, stdout, stderr


def probe(runner, data):
    """Does the runner start at all?  (ok, message)"""
    try:
        _, _, _, rc, out, err = run_once(runner, "exit 0", data, "-", 60)
    except OSError as e:
        return False, str(e)
    if rc == 0:
        return True, ""
    lines = [l for l in err.strip().splitlines() if l.strip()]
    return False, (lines[0] if lines else f"exit status {rc}")


# ---------------------------------------------------------------- measuring

def measure(name, script, data, arg3, runners, args, results):
    """Fills results[name][runner] with the timed runs and checks."""
    res = {r: {"times": [], "cpu": [], "linger": [], "bad": [], "out": None} for r in runners}
    results[name] = res
    ref = None

    def one(rname, timed):
        nonlocal ref
        secs, cpu, linger, rc, out, err = run_once(runners[rname], script, data, arg3,
                                                   args.timeout)
        r = res[rname]
        if secs >= args.timeout:
            # A hung runner is not run again in this workload.
            r["dead"] = True
            err = f"killed after {args.timeout:g} s; " + err
        if rname == "native" and ref is None:
            if rc != 0:
                raise SystemExit(f"bench: {name}: native failed (exit {rc}): {err.strip()}")
            ref = out
        if rc != 0:
            r["bad"].append(f"exit {rc}: {err.strip()[:200]}")
        elif ref is not None and out != ref:
            r["bad"].append(f"output {out.strip()!r} != native {ref.strip()!r}")
        if r["out"] is None:
            r["out"] = out.strip()
        if timed or (secs > args.slow and rname != "native"):
            # A slow runner's warm-up counts as its first timed run: the
            # page cache is warm from the runners before it, and one more
            # run of it would cost as much as all the fast runners' runs.
            r["times"].append(secs)
            r["cpu"].append(cpu)
            r["linger"].append(linger)
        return secs

    names = list(runners)           # native first: it sets the reference
    first = {}
    for rname in names:
        for _ in range(args.warmup):
            if not res[rname].get("dead"):
                first.setdefault(rname, one(rname, False))
    reps = {}
    rounds = args.reps
    for i in range(rounds):
        order = names[i % len(names):] + names[:i % len(names)]
        if ref is None:
            order = ["native"] + [n for n in order if n != "native"]
        ran = []
        for rname in order:
            if rname in first and first[rname] > args.slow:
                reps[rname] = args.slow_reps
            want = reps.get(rname, args.reps)
            if len(res[rname]["times"]) >= want or res[rname].get("dead"):
                continue
            secs = one(rname, True)
            ran.append(f"{rname}={secs:.3f}")
            first.setdefault(rname, secs)
            if secs > args.slow:
                reps.setdefault(rname, args.slow_reps)
        log(f"  {name} round {i + 1}/{rounds}: " + "  ".join(ran))
    return res


def summarise(res):
    nat = statistics.median(res["native"]["times"])
    rows = {}
    for rname, r in res.items():
        t = r["times"] or [float("nan")]
        med = statistics.median(t)
        rows[rname] = {
            "median": med, "min": min(t), "max": max(t),
            "ratio": med / nat if nat > 0 else float("nan"),
            "cpu": statistics.median(r["cpu"] or [float("nan")]),
            "linger": statistics.median(r["linger"] or [0.0]),
            "noisy": (max(t) - min(t)) / med > 0.2 if med > 0 else False,
            "n": len(r["times"]),
            "ok": not r["bad"] and bool(r["times"]), "bad": r["bad"], "out": r["out"],
        }
    return rows


def fmt_cell(row):
    if not row["n"]:
        return "FAILED (no timed run)"
    if not row["ok"]:
        return f"WRONG {row['median']:.3f}s"
    mark = "~" if row["noisy"] else " "
    return (f"{row['ratio']:5.2f}x{mark}{row['median']:7.3f}s "
            f"[{row['min']:.3f}-{row['max']:.3f}]")


def print_table(summary, runner_names, file=sys.stdout):
    w = 33
    head = f"{'workload':<10}" + "".join(f"{n:<{w}}" for n in runner_names)
    print(head.rstrip(), file=file)
    for wl, rows in summary.items():
        line = f"{wl:<10}"
        for n in runner_names:
            line += f"{fmt_cell(rows[n]) if n in rows else '-':<{w}}"
        print(line.rstrip(), file=file)


def print_cpu_table(summary, runner_names, file=sys.stdout):
    """Median CPU seconds (user+sys of the run and all it started)."""
    w = 12
    print(f"{'cpu s':<10}" + "".join(f"{n:>{w}}" for n in runner_names), file=file)
    for wl, rows in summary.items():
        print(f"{wl:<10}" + "".join(
            f"{rows[n]['cpu']:>{w}.3f}" if n in rows else f"{'-':>{w}}"
            for n in runner_names), file=file)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--veil", help="the veil binary (default: build/cmd/veil next to this tree)")
    ap.add_argument("--veil-before", metavar="VEIL",
                    help="a second veil build, as runner emulate-before (before/after figures)")
    ap.add_argument("--bwrap", help="bubblewrap (default: /usr/bin/bwrap, else on PATH)")
    ap.add_argument("--proot", help="PRoot (default: on PATH)")
    ap.add_argument("--runners", default="native,kernel,bwrap,proot,emulate",
                    help="comma-separated; also: emulate-ptrace (default: %(default)s)")
    ap.add_argument("--workloads", default=",".join(ORDER),
                    help="comma-separated subset of: %(default)s")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: smaller sizes, 2 runs (1 for slow runners)")
    ap.add_argument("--reps", type=int, help="timed runs per runner (default 5, quick 2)")
    ap.add_argument("--slow-reps", type=int, help="timed runs for slow runners (default 3, quick 1)")
    ap.add_argument("--slow", type=float, default=5.0,
                    help="a runner whose first run takes longer (s) is slow (default %(default)s)")
    ap.add_argument("--warmup", type=int, help="untimed runs per runner (default 1)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="a run taking longer is killed and its runner not run again "
                         "in that workload (default %(default)s s)")
    ap.add_argument("--cache", default=os.environ.get("VEIL_BENCH_CACHE", "/var/tmp/veil-bench"),
                    help="where the tarball and sources are kept (default %(default)s)")
    ap.add_argument("--json", metavar="FILE", help="also write one JSON line per workload x runner")
    args = ap.parse_args()

    mode = "quick" if args.quick else "full"
    if args.reps is None:
        args.reps = 2 if args.quick else 5
    if args.slow_reps is None:
        args.slow_reps = 1 if args.quick else min(3, args.reps)
    if args.warmup is None:
        args.warmup = 1

    wanted = [r.strip() for r in args.runners.split(",") if r.strip()]
    if "native" not in wanted:
        wanted.insert(0, "native")
    tools = ["tar", "find", "gcc", "cksum", "awk"]
    tools += [t for t in ("bwrap", "proot") if t in wanted]
    ensure_tools(tools)

    if args.veil is None:
        cand = os.path.join(SRC_ROOT, "build", "cmd", "veil")
        args.veil = cand if os.access(cand, os.X_OK) else None
    if args.veil:
        args.veil = os.path.abspath(args.veil)
    if args.veil_before:
        args.veil_before = os.path.abspath(args.veil_before)
    if args.bwrap is None:
        args.bwrap = "/usr/bin/bwrap" if os.access("/usr/bin/bwrap", os.X_OK) else shutil.which("bwrap")
    if args.proot is None:
        args.proot = shutil.which("proot")

    cache = os.path.abspath(args.cache)
    os.makedirs(cache, exist_ok=True)
    data = prepare_cache(cache, mode)
    links = merged_usr_links()
    all_runners = make_runners(args, data, cache, links)

    runners = {}
    for name in wanted:
        if name not in all_runners:
            why = {"kernel": "no veil binary", "emulate": "no veil binary",
                   "emulate-ptrace": "no veil binary", "emulate-before": "no --veil-before",
                   "bwrap": "bwrap not found",
                   "proot": "proot not found"}.get(name, "unknown runner")
            print(f"{name}: not available ({why})")
            continue
        if name != "native":
            ok, msg = probe(all_runners[name], data)
            if not ok:
                yet = " yet" if name.startswith("emulate") else ""
                print(f"{name}: not available{yet} ({msg})")
                continue
        runners[name] = all_runners[name]

    size = SIZES[mode]
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for w in workloads:
        if w not in WORKLOADS:
            raise SystemExit(f"bench: unknown workload {w!r}")

    global CPU
    CPU = CpuMeter()
    try:
        return run_all(args, mode, runners, data, workloads)
    finally:
        CPU.close()


def run_all(args, mode, runners, data, workloads):
    size = SIZES[mode]
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    t_start = time.perf_counter()
    load0 = os.getloadavg()
    log(f"bench: {mode} mode; runners: {', '.join(runners)}; "
        f"{args.warmup} warm-up + {args.reps} runs ({args.slow_reps} when a run > {args.slow:g} s)")
    results = {}
    for w in workloads:
        measure(w, WORKLOADS[w], data, workload_arg(w, size), runners, args, results)
    summary = {w: summarise(results[w]) for w in workloads}
    elapsed = time.perf_counter() - t_start
    load1 = os.getloadavg()

    names = list(runners)
    print()
    print(f"veil workloads, {mode} mode, {started}; {os.cpu_count()} CPUs, "
          f"Linux {platform.release()}; loadavg {load0[0]:.2f} -> {load1[0]:.2f}; "
          f"{elapsed:.0f} s")
    try:
        commit = subprocess.run(["git", "-C", SRC_ROOT, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    print(f"veil {args.veil or '-'}{' at ' + commit if commit else ''}; "
          f"bwrap {args.bwrap or '-'}; proot {args.proot or '-'}")
    print(f"sizes: untar {size[0]}, find {size[1]}, compile {size[2]} units, "
          f"forkexec {size[3]}")
    print("cell: ratio to native (median/median), median seconds [min-max]; "
          "~ = spread > 20% of median; WRONG = exit status or output differs from native")
    print()
    print_table(summary, names)
    print()
    print(f"median CPU seconds, user+sys of the run and all it started ({CPU.source}):")
    print_cpu_table(summary, names)
    print()
    for w in workloads:
        runs = ", ".join(f"{n} {summary[w][n]['n']}" for n in names)
        print(f"{w}: output {summary[w]['native']['out']!r}; runs: {runs}")
        for n in names:
            for b in summary[w][n]["bad"][:3]:
                print(f"  {n} WRONG: {b}")
            if summary[w][n]["linger"] > 0.005:
                print(f"  {n} returns a median {summary[w][n]['linger'] * 1000:.0f} ms before "
                      "its last process is gone (not in its seconds; in its CPU)")
    if args.json:
        with open(args.json, "a") as f:
            for w in workloads:
                for n in names:
                    row = dict(summary[w][n], workload=w, runner=n, mode=mode,
                               date=started, times=results[w][n]["times"],
                               cpus=results[w][n]["cpu"], lingers=results[w][n]["linger"])
                    f.write(json.dumps(row) + "\n")
    bad = any(not summary[w][n]["ok"] for w in workloads for n in names)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
