#!/usr/bin/env python3
"""Sparse benchmark: time to the optimum, per-pass time against the bandwidth floor, and peak
memory, for ours against LIBLINEAR and scikit-learn, on the CSR datasets of make_data.py.

Every tool minimises the same cost, with l2 = 1/n (C = 1/(l2 n) = 1 for the peers):
    J(w, b) = (1/n) sum_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2,  z = X w + b,
the bias unpenalised. our_cost() below evaluates it on every tool's solution, in float64 numpy
with np.logaddexp: the one place where costs are compared.

Per dataset:
  1. Reference. Very accurate solves by independent methods: scikit-learn's newton-cg to
     max|grad J| <= 1e-10, LIBLINEAR with eps 1e-10 and bias feature B = 1000 (its penalty on
     the bias then costs J at most (l2/2)(b/1000)^2, far below the 1e-6 of the target), and with
     --with-ours our newton_cg to gradient_tolerance 1e-11. J_ref is the lowest of their costs.
  2. Sweep. Each tool runs at a decreasing sequence of tolerances (LIBLINEAR's eps,
     scikit-learn's tol, our gradient_tolerance), a decade apart, until its solution reaches
     J <= J_ref (1 + 1e-6); the half-decade just before is then tried too (a tolerance only
     decides where a run stops, never its steps, so the loosest reaching tolerance is the
     fastest). A tool also stops at a fit longer than half the budget, at a fit killed at the
     budget, when two successive tolerances give the same J (it stopped above the target by its
     own rule), or at the end of its sequence.
  3. Timing. The chosen setting is run again several times in the same process (21 times below
     50 ms, 9 below 0.5 s, 5 below 5 s, else 3); the median is the tool's time.
  4. J* is the lowest cost any run reached (references, sweeps and timed runs); any tool whose
     chosen setting is above J* (1 + 1e-6) is searched again with that target.
  LIBLINEAR and scikit-learn's liblinear penalise the bias through a constant feature of value
  B (-B, intercept_scaling). They run with B = 1 first; where that ends above the target, B =
  10, 100, 1000, 10000 are tried in turn (the remedy both document), and the first that reaches
  it is reported, named, as bench/time_to_optimum/compare.py does.

Figure 2 (with --with-ours): the driver's "pass" command, one neuron.gradient() (one cost and
gradient pass) against a STREAM-like read of the CSR arrays in the same process and run.
Figure 3: every driver reports VmRSS before reading the data (its baseline), once the data are
in its input form, and its peak RSS during the fits.

Usage: compare.py --data-dir DIR --liblinear-driver PATH [--with-ours --ours-plain PATH
                  --ours-native PATH] [--small] [--only NAME ...] [--tools SUBSTRING ...]
                  [--budget SECONDS] [--out FILE.json] [--table FILE.md] [--check-cli]
See README.md for the reasoning.
"""
import argparse
import json
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_data  # noqa: E402

REL = 1e-6
STALL = 1e-10  # two successive tolerances whose J differ by less (relative): the tool has stopped


# ---------------------------------------------------------------------------------------------
# The one place where costs are compared.
# ---------------------------------------------------------------------------------------------
def our_cost(X, y, w, b, l2):
    """J(w, b) = (1/n) sum_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2, z = X w + b.

    softplus(z) - y z = softplus((1 - 2 y) z) for y in {0, 1}; np.logaddexp(0, t) is softplus(t)
    without overflow or cancellation. The bias is not penalised."""
    z = X @ w + b
    t = np.where(y > 0.5, -z, z)
    return float(np.mean(np.logaddexp(0.0, t)) + 0.5 * l2 * float(w @ w))


# ---------------------------------------------------------------------------------------------
# Drivers: a process per (tool, dataset) that loads the data once and answers "fit" commands.
# ---------------------------------------------------------------------------------------------
class Worker:
    def __init__(self, argv, env, timeout):
        self.argv = argv
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, env=env)
        self.buffer = b""
        self.ready = self._line(timeout)
        if self.ready is None or not self.ready.get("ready"):
            self.close()
            raise RuntimeError(f"{argv[0]} did not start: {self.ready}; {self.error_text()}")

    def error_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")[-2000:]

    def _line(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise RuntimeError(f"{self.argv[0]} exited: {self.error_text()}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def request(self, command, timeout):
        """The answer to one command, or None if it did not come within timeout (the process
        is then killed)."""
        self.proc.stdin.write((command + "\n").encode())
        self.proc.stdin.flush()
        answer = self._line(timeout)
        if answer is None:
            self.kill()
        elif "error" in answer:
            raise RuntimeError(f"{self.argv[0]}: {answer['error']}")
        return answer

    def kill(self):
        if self.proc.poll() is None:  # the driver this Worker started, by its own pid
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.kill()
        self.stderr.close()


class Tool:
    """One tool in one configuration. schedule: its tolerances, loosest first, half a decade
    apart (the sweep takes every other one, then the one it skipped before the first that
    reaches)."""

    def __init__(self, family, variant, argv, env, tolerances, tol_name, peer=True):
        self.family = family
        self.variant = variant  # list of strings naming the configuration
        self.name = family + (f" ({', '.join(variant)})" if variant else "")
        self.argv = argv
        self.env = env
        self.schedule = tolerances
        self.tol_name = tol_name
        self.peer = peer
        self.worker = None

    def start(self, timeout):
        if self.worker is None or self.worker.proc.poll() is not None:
            self.worker = Worker(self.argv, self.env, timeout)
        return self.worker

    def stop(self):
        if self.worker is not None:
            self.worker.close()
            self.worker = None


def half_decades(first, last, scale=1.0):
    """scale * 10^(-k/2) for k = first .. last."""
    return [scale * 10.0 ** (-k / 2.0) for k in range(first, last + 1)]


class Run:
    """One answered fit command, scored."""

    def __init__(self, tool, tol, answer, w, b, cost):
        self.tool, self.tol, self.answer, self.w, self.b, self.cost = tool, tol, answer, w, b, cost
        self.seconds = answer["seconds"]
        self.median = statistics.median(self.seconds)


class Bench:
    def __init__(self, args, data, log):
        self.args, self.data, self.log = args, data, log
        self.seen = []  # (tool name, tol, cost) of every scored run
        self.workdir = tempfile.mkdtemp(prefix="lns_")

    def fit(self, tool, tol, reps, timeout):
        """Runs `fit tol reps` on the tool's driver; the Run, or None if it was killed at the
        timeout."""
        self.failure = None
        out = os.path.join(self.workdir, "solution.bin")
        try:
            worker = tool.start(self.args.load_timeout)
            answer = worker.request(f"fit {tol!r} {reps} {out}", timeout)
        except (RuntimeError, OSError) as error:  # the driver failed or died (e.g. out of memory)
            self.failure = f"its driver failed at {tool.tol_name} {tol:.3g}: {error}"[:300]
            self.log("    " + self.failure)
            tool.stop()
            return None
        if answer is None:
            self.failure = (f"a fit at {tool.tol_name} {tol:.3g} ran past the "
                            f"{timeout:g} s time limit")
            return None
        solution = np.fromfile(out, dtype="<f8")
        d = self.data["d"]
        w, b = solution[:d], float(solution[d])
        cost = our_cost(self.data["X"], self.data["y"], w, b, self.data["l2"])
        self.seen.append((tool.name, tol, cost))
        tool.last_answer, tool.last_ready = answer, worker.ready
        return Run(tool, tol, answer, w, b, cost)

    def describe(self, run):
        a = run.answer
        extra = f", stop {a['stop_reason']}" if "stop_reason" in a else ""
        extra += ", WARNING" if a.get("warning") else ""
        return (f"{run.tool.name} {run.tool.tol_name} {run.tol:.3g}: {run.median:.4g} s, "
                f"{a['iterations']} iterations{extra}, J {run.cost:.15g}")

    def search(self, tool, target):
        """The loosest tolerance of the tool's schedule whose fit reaches target, with the runs
        made; or None and why not."""
        budget = self.args.budget
        runs, found, why = {}, None, None
        decade = list(range(0, len(tool.schedule), 2))
        for k in decade:
            run = self.fit(tool, tool.schedule[k], 1, budget + 10)
            if run is None:
                why = self.failure
                break
            runs[k] = run
            self.log("    " + self.describe(run) +
                     (" reached" if run.cost <= target else ""))
            if run.cost <= target:
                found = k
                break
            if run.answer.get("stop_reason") == "callback":
                why = f"a fit at {tool.tol_name} {tool.schedule[k]:.3g} was stopped at the {budget:g} s budget"
                break
            if stalled(runs, decade[:decade.index(k) + 1]):
                why = (f"it stops above the target by its own rule "
                       f"({run.answer['iterations']} iterations)")
                break
            if run.median > budget / 2:
                why = f"its fits grew past half the {budget:g} s budget"
                break
        else:
            why = "not within its tolerances"
        lowest = min((r.cost for r in runs.values()), default=float("inf"))
        if found is None:
            return None, why, lowest, runs
        if found - 1 >= 0 and found - 1 not in runs:
            run = self.fit(tool, tool.schedule[found - 1], 1, budget + 10)
            if run is not None:
                runs[found - 1] = run
                self.log("    " + self.describe(run) + (" reached" if run.cost <= target else ""))
                if run.cost <= target:
                    found = found - 1
        if found == 0:
            self.log(f"    note: {tool.name} reached the target at its loosest tolerance")
        return found, None, lowest, runs

    def time_tool(self, tool, target, best):
        found, why, lowest, runs = self.search(tool, target)
        row = {"tool": tool.name, "family": tool.family, "variant": tool.variant,
               "peer": tool.peer, "build": getattr(tool, "build", None), "sweep": [{"tol": r.tol, "seconds": r.median,
                                             "iterations": r.answer["iterations"],
                                             "cost": r.cost,
                                             "reported_cost": r.answer.get("cost")}
                                            for r in runs.values()]}
        if found is None:
            row.update(reached=False, why=why, gap=(lowest - best) / best, seconds=None)
        else:
            tol = tool.schedule[found]
            reps = repetitions(runs[found].median)
            run = self.fit(tool, tol, reps, self.args.budget * reps + 60)
            if run is None:
                row.update(reached=False, why="its timed runs failed: " + self.failure,
                           gap=(runs[found].cost - best) / best, seconds=None)
            else:
                a = run.answer
                row.update(reached=run.cost <= target, tol=tol, tol_name=tool.tol_name,
                           at_loosest=found == 0,
                           seconds=run.median, all_seconds=run.seconds,
                           cores=statistics.median(c / max(s, 1e-12) for c, s in
                                                   zip(a["cpu_seconds"], a["seconds"])),
                           iterations=a["iterations"], cost=run.cost,
                           gap=(run.cost - best) / best)
                if not row["reached"]:
                    row["why"] = "its timed runs did not reach it"
        ready, last = getattr(tool, "last_ready", None), getattr(tool, "last_answer", None)
        if ready and last:  # the memory of the process that made the last answered run
            row["memory"] = {k: ready.get(k) for k in
                             ("baseline_rss_kb", "loaded_rss_kb", "input_bytes", "input",
                              "csr_bytes", "peak_reset")}
            row["memory"]["peak_rss_kb"] = last["peak_rss_kb"]
            row["threads_reported"] = ready.get("threads")
        if row["reached"]:
            self.log(f"  {tool.name}: {row['seconds']:.4g} s at {tool.tol_name} "
                     f"{row['tol']:.3g} (median of {len(row['all_seconds'])}, "
                     f"{row['cores']:.2f} cores)")
        else:
            self.log(f"  {tool.name}: not reached ({row['why']}; lowest rel gap {row['gap']:.2e})")
        return row

    def pass_time(self, tool):
        worker = tool.start(self.args.load_timeout)
        answer = worker.request(f"pass {self.args.pass_reps}", self.args.budget * 4 + 60)
        return answer


def stalled(runs, ks):
    """True when the tool has stopped moving above the target: its last two decades gave the same
    J (to STALL relative), away from the starting point (J = ln 2 at w = 0, b = 0), and it said
    it stopped by its own rule (LIBLINEAR's WARNING, a stop reason of ours other than the
    gradient rule); without such a word, three decades in a row must give the same J and the
    same iteration count."""
    if len(ks) < 2:
        return False
    last = [runs[k] for k in ks[-3:]]
    same = lambda a, b: abs(a.cost - b.cost) <= STALL * b.cost  # noqa: E731
    if not same(last[-2], last[-1]) or last[-1].cost >= np.log(2.0) * (1 - 1e-9):
        return False
    a = last[-1].answer
    if a.get("warning") or a.get("stop_reason") not in (None, "converged"):
        return True
    return len(last) == 3 and same(last[0], last[1]) and \
        len({r.answer["iterations"] for r in last}) == 1


def repetitions(seconds):
    return 21 if seconds < 0.05 else 9 if seconds < 0.5 else 5 if seconds < 5.0 else 3


# ---------------------------------------------------------------------------------------------
# The tools
# ---------------------------------------------------------------------------------------------
def peer_env(blas_threads):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = str(blas_threads)
    env["OMP_NUM_THREADS"] = str(blas_threads)
    return env


def liblinear_tool(args, data, bias, blas_threads):
    variant = [f"-B {bias:g}"] + ([f"BLAS threads {blas_threads}"]
                                  if len(args.peer_blas_threads) > 1 else [])
    return Tool("LIBLINEAR -s 0", variant,
                [args.liblinear_driver, data["path"], "--bias", repr(float(bias)), "--C",
                 repr(1.0 / (data["l2"] * data["n"]))],
                peer_env(blas_threads), half_decades(0, 24), "eps")


def sklearn_tool(args, data, solver, blas_threads, intercept_scaling=1.0):
    variant = []
    if solver == "liblinear":
        variant.append(f"intercept_scaling {intercept_scaling:g}")
    if len(args.peer_blas_threads) > 1:
        variant.append(f"BLAS threads {blas_threads}")
    n = data["n"]
    if solver in ("lbfgs", "newton-cg"):
        # tol bounds the max-norm of the gradient of n J (their objective is the sum)
        tolerances, name = half_decades(2, 26, scale=n), "tol"
    elif solver == "liblinear":
        tolerances, name = half_decades(0, 24), "tol"
    else:  # saga: tol bounds the relative change of the weights over an epoch
        tolerances, name = half_decades(2, 20), "tol"
    return Tool("sklearn " + solver, variant,
                [args.python, os.path.join(HERE, "sklearn_driver.py"), data["path"], "--solver",
                 solver, "--C", repr(1.0 / (data["l2"] * n)), "--intercept-scaling",
                 repr(float(intercept_scaling))],
                peer_env(blas_threads), tolerances, name)


def ours_tools(args, data):
    tools = []
    for build, path in (("-O2", args.ours_plain), ("-O2 -march=native", args.ours_native)):
        if not path:
            continue
        for solver in args.ours_solvers:
            for threads in args.ours_threads:
                variant = [f"{threads} threads" if threads else "all threads"] \
                    if len(args.ours_threads) > 1 else []
                tool = Tool(f"ours {solver} {build}", variant,
                            [path, data["path"], "--solver", solver, "--l2", repr(data["l2"]),
                             "--threads", str(threads), "--budget", repr(args.budget)],
                            dict(os.environ), half_decades(2, 26), "gradient_tolerance",
                            peer=False)
                tool.build, tool.solver = build, solver
                tools.append(tool)
    return tools


def selected(args, tool):
    return not args.tools or any(s in tool.name for s in args.tools)


# ---------------------------------------------------------------------------------------------
# One dataset
# ---------------------------------------------------------------------------------------------
def load(args, name):
    path = make_data.path_of(args.data_dir, name, args.small)
    arrays = make_data.read(path, indptr_dtype=np.int32)
    X = make_data.scipy_csr(arrays)
    n, d, nnz = arrays["n"], arrays["d"], arrays["nnz"]
    with open(path[:-4] + ".json") as f:
        stats = json.load(f)
    return {"name": name, "path": path, "X": X, "y": arrays["y"], "n": n, "d": d, "nnz": nnz,
            "l2": 1.0 / n, "csr_bytes": make_data.csr_bytes(n, nnz), "stats": stats}


def run_dataset(args, data, log):
    bench = Bench(args, data, log)
    n, d = data["n"], data["d"]
    entry = {"name": data["name"], "n": n, "d": d, "nnz": data["nnz"], "l2": data["l2"],
             "csr_bytes": data["csr_bytes"], "stats": data["stats"], "tools": [],
             "reference": {}}
    blas = args.peer_blas_threads[0]
    try:
        # 1. Reference solves.
        references = [
            (sklearn_tool(args, data, "newton-cg", blas), 1e-10 * n),
            (liblinear_tool(args, data, 1000.0, blas), 1e-10),
        ]
        ours = [t for t in ours_tools(args, data) if selected(args, t)] if args.with_ours else []
        if ours:
            first = [t for t in ours if t.solver == "newton_cg"] or ours
            references.append((([t for t in first if "native" in t.build] or first)[0], 1e-11))
        for tool, tol in references:
            run = bench.fit(tool, tol, 1, args.budget * 10)
            if tool.peer:
                tool.stop()
            if run is None:
                log(f"    reference {tool.name}: did not finish within {args.budget * 10:g} s")
                continue
            entry["reference"][tool.name] = {"tol": tol, "cost": run.cost,
                                             "seconds": run.median,
                                             "iterations": run.answer["iterations"]}
            log(f"    reference {bench.describe(run)}")
        if not entry["reference"]:
            raise RuntimeError("no reference solve finished")
        j_ref = min(r["cost"] for r in entry["reference"].values())
        entry["j_ref"] = j_ref
        log(f"  J_ref = {j_ref:.15g}, target {j_ref * (1 + REL):.15g}")

        # 2.-3. Sweeps and timing.
        def time_all(target, best, only=None):
            rows = []
            for tool in ours:
                if only is None or tool.name in only:
                    rows.append(bench.time_tool(tool, target, best))
                    if args.pass_reps and only is None and \
                            tool.name == next(t.name for t in ours if t.build == tool.build):
                        answer = bench.pass_time(tool)
                        if answer is not None:
                            answer.update(tool=tool.name, build=tool.build)
                            entry.setdefault("passes", []).append(answer)
                            log(f"  pass ({tool.build}): gradient {answer['gradient_seconds'] * 1e3:.3f}"
                                f" ms, floor {answer['floor_seconds'] * 1e3:.3f} ms "
                                f"({answer['bandwidth_gbs']:.1f} GB/s), ratio "
                                f"{answer['gradient_seconds'] / answer['floor_seconds']:.2f}")
                    tool.stop()
            for blas_threads in args.peer_blas_threads:
                for solver in args.sklearn_solvers + ["LIBLINEAR"]:
                    scale = 1.0
                    while True:
                        tool = (liblinear_tool(args, data, scale, blas_threads)
                                if solver == "LIBLINEAR" else
                                sklearn_tool(args, data, solver, blas_threads, scale))
                        if not selected(args, tool):
                            break
                        known = any(r["tool"] == tool.name for r in entry["tools"])
                        if only is None or tool.name in only or not known:
                            row = bench.time_tool(tool, target, best)
                            rows.append(row)
                            tool.stop()
                        else:
                            row = next((r for r in entry["tools"] if r["tool"] == tool.name), None)
                        # the bias feature: a larger B where B = 1 ends short of the target
                        if solver not in ("LIBLINEAR", "liblinear") or row is None or \
                                row["reached"] or scale >= 1e4 or not \
                                row.get("why", "").startswith(("it stops above", "not within")):
                            break
                        scale *= 10.0
            return rows

        target = j_ref * (1 + REL)
        entry["tools"] = time_all(target, j_ref)
        # 4. J* = the lowest cost of any run; search again where the target moved past a tool.
        for _ in range(3):
            best = min(c for _, _, c in bench.seen)
            target = best * (1 + REL)
            stale = [r["tool"] for r in entry["tools"]
                     if r["reached"] and r["cost"] > target]
            if not stale:
                break
            log(f"  J* = {best:.15g} is below J_ref by {(j_ref - best) / j_ref:.2e} relative; "
                f"again for {stale}")
            stale = set(stale)
            again = {r["tool"]: r for r in time_all(target, best, only=stale)}
            entry["tools"] = [again.pop(r["tool"], r) for r in entry["tools"]] + list(again.values())
        best = min(c for _, _, c in bench.seen)
        entry["best"] = best
        entry["target"] = best * (1 + REL)
        for r in entry["tools"]:  # gaps against the final J*
            if r.get("cost") is not None:
                r["gap"] = (r["cost"] - best) / best
                r["reached"] = r["reached"] and r["cost"] <= entry["target"]
        entry["j_ref_minus_best"] = (j_ref - best) / best
        log(f"  J* = {best:.15g} (J_ref {j_ref:.15g}, {(j_ref - best) / best:.1e} above it)")
    finally:
        for tool in ours:
            tool.stop()
    return entry


def check_cli(args, log):
    """liblinear-train on a libsvm text file of rcv1_like against the driver on the binary file,
    at eps 1e-2 and 1e-6 with -B 1: the largest weight difference and both costs."""
    name = "rcv1_like"
    data = load(args, name)
    text = data["path"][:-4] + ".libsvm"
    if not os.path.exists(text):
        make_data.write_libsvm(data["path"], text)
    out = []
    for eps in (1e-2, 1e-6):
        with tempfile.TemporaryDirectory() as work:
            model = os.path.join(work, "model")
            subprocess.run(["liblinear-train", "-q", "-s", "0", "-c", "1", "-e", repr(eps), "-B",
                            "1", text, model], check=True, env=peer_env(1))
            with open(model) as f:
                lines = f.read().split("\n")
        labels = next([int(v) for v in line.split()[1:]] for line in lines
                      if line.startswith("label "))
        nr_feature = next(int(line.split()[1]) for line in lines
                          if line.startswith("nr_feature "))
        start = lines.index("w") + 1
        w = np.array([float(lines[start + j]) for j in range(nr_feature + 1)])
        sign = 1.0 if labels[0] == 1 else -1.0
        w_cli = np.zeros(data["d"])
        w_cli[:nr_feature] = sign * w[:nr_feature]  # the text file ends at its last used column
        b_cli = sign * w[nr_feature]
        bench = Bench(args, data, log)
        tool = liblinear_tool(args, data, 1.0, 1)
        run = bench.fit(tool, eps, 1, args.budget)
        tool.stop()
        diff = float(max(np.max(np.abs(w_cli - run.w)), abs(b_cli - run.b)))
        cost_cli = our_cost(data["X"], data["y"], w_cli, b_cli, data["l2"])
        out.append({"eps": eps, "max_weight_difference": diff, "cost_cli": cost_cli,
                    "cost_driver": run.cost})
    log("  liblinear-train against the driver: " + json.dumps(out))
    return out


def environment(args):
    info = {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "peer_blas_threads": args.peer_blas_threads}
    try:
        import scipy
        import sklearn
        from threadpoolctl import threadpool_info

        info.update(numpy=np.__version__, scipy=scipy.__version__, sklearn=sklearn.__version__,
                    threadpools=[{k: p.get(k) for k in ("internal_api", "version",
                                                        "architecture", "num_threads")}
                                 for p in threadpool_info()])
    except ImportError:
        pass
    try:
        info["lscpu"] = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        pass
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--liblinear-driver", required=True)
    parser.add_argument("--with-ours", action="store_true",
                        help="include ours (needs the sparse API; off by default)")
    parser.add_argument("--ours-plain", default=None, help="ours' driver built with -O2")
    parser.add_argument("--ours-native", default=None,
                        help="ours' driver built with -O2 -march=native")
    parser.add_argument("--ours-solvers", nargs="*", default=["newton_cg", "lbfgs"])
    parser.add_argument("--ours-threads", nargs="*", type=int, default=[0],
                        help="FitOptions::threads values for ours (0 = all cores)")
    parser.add_argument("--sklearn-solvers", nargs="*",
                        default=["liblinear", "lbfgs", "newton-cg", "saga"])
    parser.add_argument("--peer-blas-threads", nargs="*", type=int, default=[1],
                        help="OPENBLAS_NUM_THREADS for the peers; several values: each peer "
                             "runs under each, and the fastest is reported")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--only", nargs="*", default=None, help="datasets")
    parser.add_argument("--tools", nargs="*", default=None,
                        help="only tools whose name contains one of these strings")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds: a fit is killed at this, a sweep stops after a fit longer "
                             "than half of it")
    parser.add_argument("--load-timeout", type=float, default=600.0)
    parser.add_argument("--pass-reps", type=int, default=21)
    parser.add_argument("--check-cli", action="store_true")
    parser.add_argument("--out", default=None)
    parser.add_argument("--table", default=None)
    args = parser.parse_args()
    if args.with_ours and not (args.ours_plain or args.ours_native):
        parser.error("--with-ours needs --ours-plain and/or --ours-native")

    def log(message):
        print(message, flush=True)

    started = time.perf_counter()
    results = {"environment": environment(args), "rel": REL, "budget": args.budget,
               "small": args.small, "with_ours": args.with_ours, "datasets": []}
    log("environment: " + json.dumps({k: v for k, v in results["environment"].items()
                                      if k != "lscpu"}))
    if args.check_cli:
        results["cli_check"] = check_cli(args, log)
    for name in make_data.DATASETS:
        if args.only and name not in args.only:
            continue
        data = load(args, name)
        log(f"== {name}: {data['n']} x {data['d']}, {data['nnz']} non-zeros, "
            f"CSR {data['csr_bytes'] / 1e6:.1f} MB, l2 = 1/n = {data['l2']:.3g}")
        results["datasets"].append(run_dataset(args, data, log))
        del data
        if args.out:
            with open(args.out, "w") as f:
                json.dump(results, f, indent=1)
    results["total_seconds"] = time.perf_counter() - started
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
    text = tables(results)
    print(text)
    if args.table:
        with open(args.table, "w") as f:
            f.write(text + "\n")
    return 0


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
def seconds_text(seconds):
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def best_of_family(entry, family):
    rows = [r for r in entry["tools"] if r["family"] == family]
    reached = [r for r in rows if r["reached"]]
    if reached:
        return min(reached, key=lambda r: r["seconds"])
    return min(rows, key=lambda r: r["gap"]) if rows else None


def cell(row):
    if row is None:
        return "-"
    if not row["reached"]:
        return f"not reached: {row['why']} (gap {row['gap']:.1e})"
    text = seconds_text(row["seconds"])
    if row["variant"]:
        text += " (" + ", ".join(row["variant"]) + ")"
    return text


def families(datasets, peer):
    out = []
    for e in datasets:
        for r in e["tools"]:
            if r["peer"] == peer and r["family"] not in out:
                out.append(r["family"])
    return out


def mb(x):
    return f"{x / 1e6:.1f}"


def tables(results):
    datasets = results["datasets"]
    if not datasets:
        return ""
    head = " | ".join(f"{e['name']} ({e['n']} x {e['d']}, {e['nnz']} nnz)" for e in datasets)
    lines = ["### Time to within 1e-6 of the optimum (median wall time)", "",
             f"| tool | {head} |", "|---" * (len(datasets) + 1) + "|"]
    ours_f, peer_f = families(datasets, False), families(datasets, True)
    for family in ours_f + peer_f:
        lines.append(f"| {family} | " +
                     " | ".join(cell(best_of_family(e, family)) for e in datasets) + " |")
    builds = []
    for e in datasets:
        for r in e["tools"]:
            if not r["peer"] and r["build"] not in builds:
                builds.append(r["build"])
    fastest, ratios = [], {build: [] for build in builds}
    for e in datasets:
        peers = [r for r in e["tools"] if r["reached"] and r["peer"]]
        b = min(peers, key=lambda r: r["seconds"]) if peers else None
        fastest.append(f"{b['tool']}: {seconds_text(b['seconds'])}" if b else "-")
        for build in builds:
            ours = [r for r in e["tools"] if r["reached"] and not r["peer"] and r["build"] == build]
            if ours and b:
                a = min(ours, key=lambda r: r["seconds"])
                ratios[build].append(f"**{a['seconds'] / b['seconds']:.2f}** ({a['tool']})")
            else:
                ratios[build].append("-")
    lines.append("| fastest peer | " + " | ".join(fastest) + " |")
    for build in builds:
        lines.append(f"| **ours {build} (best) / fastest peer** (target <= 0.5) | " +
                     " | ".join(ratios[build]) + " |")
    lines.append("| J* (best cost of any run) | " +
                 " | ".join(f"{e['best']:.12g}" for e in datasets) + " |")
    lines.append("| references: rel. gap to J* | " + " | ".join(
        "; ".join(f"{k} {(v['cost'] - e['best']) / e['best']:.1e}"
                  for k, v in e["reference"].items()) for e in datasets) + " |")

    lines += ["", "| dataset | tool | setting | iterations | median | cores (cpu/wall) | "
              "rel. gap | all times (s) |", "|---|---|---|---|---|---|---|---|"]
    for e in datasets:
        for r in e["tools"]:
            if r["reached"]:
                times = ", ".join(f"{t:.4g}" for t in r["all_seconds"])
                lines.append(f"| {e['name']} | {r['tool']} | {r['tol_name']} {r['tol']:.3g} | "
                             f"{r['iterations']} | {seconds_text(r['seconds'])} | "
                             f"{r['cores']:.2f} | {r['gap']:.1e} | {times} |")
            else:
                lines.append(f"| {e['name']} | {r['tool']} | - | - | not reached: {r['why']} "
                             f"| - | {r['gap']:.1e} | |")

    passes = [(e, p) for e in datasets for p in e.get("passes", [])]
    lines += ["", "### One cost+gradient pass of ours against its floor", "",
              "| dataset | build | threads | bytes(CSR) MB | floor ms (GB/s) | gradient ms | "
              "gradient/floor (target <= 1.3) | cost ms | cost/floor |",
              "|---|---|---|---|---|---|---|---|---|"]
    for e, p in passes:
        lines.append(f"| {e['name']} | {p['build']} | {p['threads']} | {mb(p['bytes'])} | "
                     f"{p['floor_seconds'] * 1e3:.3f} ({p['bandwidth_gbs']:.1f}) | "
                     f"{p['gradient_seconds'] * 1e3:.3f} | "
                     f"{p['gradient_seconds'] / p['floor_seconds']:.2f} | "
                     f"{p['cost_seconds'] * 1e3:.3f} | "
                     f"{p['cost_seconds'] / p['floor_seconds']:.2f} |")
    if not passes:
        lines.append("| (ours not run) | | | | | | | | |")

    lines += ["", "### Peak memory (RSS) against bytes(CSR)", "",
              "| dataset | tool | bytes(CSR) MB | tool's input MB | baseline MB | peak - baseline MB "
              "| (peak - baseline) / bytes(CSR) | excess over CSR, in 8(n+d) bytes | "
              "peak - loaded MB |", "|---|---|---|---|---|---|---|---|---|"]
    for e in datasets:
        unit = 8.0 * (e["n"] + e["d"])
        for r in e["tools"]:
            m = r.get("memory")
            if not m or m.get("peak_rss_kb") is None:
                continue
            peak = 1024.0 * m["peak_rss_kb"]
            base = 1024.0 * m["baseline_rss_kb"]
            loaded = 1024.0 * m["loaded_rss_kb"]
            if not m.get("peak_reset"):
                note = " (process peak)"
            else:
                # the peak was reset after loading: the process peak is the larger of the two
                peak = max(peak, loaded)
                note = ""
            lines.append(f"| {e['name']} | {r['tool']} | {mb(e['csr_bytes'])} | "
                         f"{mb(m['input_bytes'])} | {mb(base)} | {mb(peak - base)}{note} | "
                         f"{(peak - base) / e['csr_bytes']:.2f} | "
                         f"{(peak - base - e['csr_bytes']) / unit:.1f} | {mb(peak - loaded)} |")
    if "cli_check" in results:
        lines += ["", "liblinear-train (text file) against the driver (binary file), rcv1_like, "
                  "-B 1: " + "; ".join(f"eps {c['eps']:g}: max weight difference "
                                       f"{c['max_weight_difference']:.1e}, costs "
                                       f"{c['cost_cli']:.15g} / {c['cost_driver']:.15g}"
                                       for c in results["cli_check"])]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
