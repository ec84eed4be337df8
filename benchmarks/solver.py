"""Measure the scheduler against the baselines; print markdown tables.

    python benchmarks/solver.py --sizes S,M        # or --all; SIZES from the environment
    python benchmarks/solver.py --jair             # the 20 JAIR 2022 instances
    python benchmarks/solver.py --jair --jair-dir DIR   # ... read from DIR
    python benchmarks/solver.py --jair --jair-only forum-13crafb --seeds 0,1,2 --workers 1,2
    python benchmarks/solver.py --jair --cap 300   # a busy machine: the same budget, cap 300 s
    python benchmarks/solver.py --resolve          # re-solve after one cancellation on L
    python benchmarks/solver.py --min-meetings tight

Each solve runs in its own process so its peak memory (ru_maxrss) is measured alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import SIZES, generate  # noqa: E402
from matchmaking.budget import UNITS_PER_SECOND  # noqa: E402

#: Time limit per size: the targets of issue 4.
TIME_LIMITS = {"S": 2, "M": 10, "tight": 20, "L": 30, "XL": 60, "XXL": 300}
TARGETS = {"S": "optimal", "M": "99.9%", "tight": "99.9%", "L": "99.5%", "XL": "99.5%",
           "XXL": "99%"}
#: Where the optional JAIR 2022 instances are read from, unless --jair-dir says otherwise.
JAIR_DIR = Path(os.environ.get("CLUSTERMEET_JAIR_DIR", REPO.parent / "shared/benchmarks/jair2022"))
#: Optimal breaks of Table 3 of Bofill et al., JAIR 2022 (see the data set's README).
JAIR_BREAKS = {
    "forum-13": 0, "forum-13crafb": 6, "forum-13crafc": 1, "forum-14": 2, "forumt-14": 5,
    "forumt-14crafc": 5, "forumt-14crafd": 4, "forumt-14crafe": 5, "tic-12": 0, "tic-12crafc": 0,
    "tic-13": 0, "tic-13crafb": 0, "tic-13crafc": 4, "tic-14crafa": 0, "tic-14crafc": 0,
    "tic-14crafd": 0, "ticf-13crafa": 0, "ticf-13crafb": 3, "ticf-13crafc": 1, "ticf-14crafa": 0,
}


def work(job: dict) -> dict:
    """Run one job in this (child) process and return its figures."""
    from matchmaking import first_come, greedy_by_value, load_problem, resolve, solve

    problem = load_problem(job["problem"])
    started = time.monotonic()
    if job["algo"] == "solver":
        # The default budget of the time limit; `cap` (when given) only moves the outer cap.
        schedule = solve(problem, time_limit=job.get("cap") or job["time_limit"],
                         seed=job.get("seed", 0), workers=job.get("workers"),
                         work=UNITS_PER_SECOND * job["time_limit"])
    elif job["algo"] == "greedy":
        schedule = greedy_by_value(problem)
    elif job["algo"] == "first_come":
        schedule = first_come(problem)
    else:  # resolve: solve, cancel one busy participant, re-solve
        first = solve(problem, time_limit=job["time_limit"])
        busy: dict[str, int] = {}
        for m in first.meetings:
            for p in (m.a, m.b):
                busy[p] = busy.get(p, 0) + 1
        raw = json.loads(Path(job["problem"]).read_text())
        # An exhibitor's meetings free only their own stand: take a visitor, to see reuse.
        stands = {p["id"] for p in raw["participants"] if p.get("table")}
        gone = max(sorted(set(busy) - stands), key=busy.get)
        for p in raw["participants"]:
            if p["id"] == gone:
                p["unavailable"] = [s["id"] for s in raw["slots"]]
        changed = load_problem(raw)
        started = time.monotonic()
        schedule = resolve(changed, first, time_limit=job["resolve_limit"])
        mine = {(frozenset((m.a, m.b)), m.slot, m.table) for m in schedule.meetings}
        others_moved = sum(1 for m in first.meetings if gone not in (m.a, m.b)
                           and (frozenset((m.a, m.b)), m.slot, m.table) not in mine)
        cancelled = sum(1 for m in first.meetings if gone in (m.a, m.b))
        new = len({frozenset((m.a, m.b)) for m in schedule.meetings}
                  - {frozenset((m.a, m.b)) for m in first.meetings})
        job = {**job, "first_value": first.stats.value, "cancelled": cancelled,
               "others_moved": others_moved, "new_meetings": new}
    seconds = time.monotonic() - started
    st = schedule.stats
    return {**job, "value": st.value, "upper_bound": st.upper_bound, "meetings": st.meetings,
            "without": st.participants_without_meeting, "breaks": st.breaks,
            "idle": st.idle_slots, "status": st.status, "seconds": seconds, "moved": st.moved,
            "capped": st.hit_wall_clock_limit, "lower": st.breaks_lower_bound,
            "cpu": resource.getrusage(resource.RUSAGE_SELF).ru_utime
            + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
            "total_requested": sum(1 for _ in {frozenset((r.frm, r.to)) for r in problem.requests}),
            # The LP bound may run in a forked child: report the larger of the two peaks.
            "peak_mb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024}


def run(job: dict) -> dict:
    """Run a job in a child process and return its figures."""
    out = subprocess.run([sys.executable, __file__, "--worker", json.dumps(job)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"job {job} failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def sizes_table(sizes: list[str], seed: int, folder: Path, workers: int | None = None,
                cap: float | None = None) -> None:
    """Print solver and baselines per size."""
    print(f"{workers or 'default'} worker(s), seed {seed} (*: the time limit stopped the search)")
    print("| size | algorithm | value | value / bound | meetings | asked, got none | breaks |"
          " breaks lower bound | breaks gap | idle slots | seconds | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        path = folder / f"{size}-{seed}.json"
        path.write_text(json.dumps(generate(SIZES[size], seed)))
        rows = [run({"algo": a, "problem": str(path), "time_limit": TIME_LIMITS[size],
                     "seed": seed, "workers": workers, "cap": cap})
                for a in ("solver", "greedy", "first_come")]
        bound = rows[0]["upper_bound"]
        for r in rows:
            lower = r.get("lower") if r["algo"] == "solver" else None
            gap = "" if lower is None else r["breaks"] - lower
            print(f"| {size} | {r['algo']} | {r['value']:.2f} | {100 * r['value'] / bound:.2f}% |"
                  f" {r['meetings']} | {r['without']} | {r['breaks']} |"
                  f" {'' if lower is None else lower} | {gap} | {r['idle']} |"
                  f" {_seconds(r)} | {r['peak_mb']:.0f} |", flush=True)
        print(f"| {size} | bound ({rows[0]['status']}; target {TARGETS[size]}"
              f" in {TIME_LIMITS[size]} s) | {bound:.2f} | | | | | | | | | |", flush=True)
        if size == "tight":
            fewest = fewest_without(path, 0.999 * bound)
            print(f"| {size} | fewest possible without a meeting at >= 99.9% of the bound"
                  f" (LP proof; target: a third of greedy's {rows[1]['without']}) | | | |"
                  f" {fewest} | | | | |", flush=True)


def fewest_without(path: Path, min_value: float) -> str:
    """Return the LP's lower bound on people left without a meeting at that value or more."""
    from matchmaking import load_problem
    from matchmaking.bound import coverage_bound
    from matchmaking.rules import VALUE_SCALE, Index

    index = Index(load_problem(str(path)))
    most = coverage_bound(index, math.ceil(min_value * VALUE_SCALE - 1e-6), seconds=120)
    asked = sum(index.has_request)
    return "?" if most is None else f">= {asked - most}"


def _seconds(row: dict) -> str:
    """Return the run's seconds, starred when the time limit stopped its search."""
    return f"{row['seconds']:.1f}" + ("*" if row.get("capped") else "")


def jair_table(limit: float, folder: Path = JAIR_DIR, *, names: list[str] | None = None,
               seeds: list[int] | None = None, workers: list[int] | None = None,
               cap: float | None = None) -> None:
    """Print meetings placed and breaks against the paper's optimum for the 20 instances
    (or those named): one row per instance and worker count, one figure per seed."""
    if not folder.is_dir():
        print(f"no JAIR instances in {folder} (give --jair-dir or set CLUSTERMEET_JAIR_DIR)")
        return
    seeds = seeds or [0]
    print(f"seeds {' / '.join(map(str, seeds))}, the default budget of {limit:g} s each"
          f" ({UNITS_PER_SECOND * limit:g} units), wall-clock cap {cap or limit:g} s"
          " (*: the cap stopped the search); lower bound: the best stats.breaks_lower_bound")
    print("| instance | workers | meetings placed | breaks | paper optimum |"
          " proven lower bound | idle slots | seconds | CPU seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, paper in JAIR_BREAKS.items():
        if names and name not in names:
            continue
        path = str(folder / f"{name}.json")
        for count in workers or [None]:
            rows = [run({"algo": "solver", "problem": path, "time_limit": limit, "seed": seed,
                         "workers": count, "cap": cap}) for seed in seeds]
            r = rows[0]
            print(f"| {name} | {count or 'default'} | {r['meetings']}/{r['total_requested']} |"
                  f" {' / '.join(str(x['breaks']) for x in rows)} | {paper} |"
                  f" {max(x['lower'] for x in rows)} |"
                  f" {' / '.join(str(x['idle']) for x in rows)} |"
                  f" {' / '.join(_seconds(x) for x in rows)} |"
                  f" {' / '.join(str(round(x['cpu'])) for x in rows)} |", flush=True)


def resolve_table(seed: int, folder: Path, size: str = "L") -> None:
    """Print the re-solve after the busiest participant without a stand cancels."""
    path = folder / f"{size}-{seed}.json"
    path.write_text(json.dumps(generate(SIZES[size], seed)))
    r = run({"algo": "resolve", "problem": str(path), "time_limit": TIME_LIMITS[size],
             "resolve_limit": 5, "seed": seed})
    print("| size | meetings cancelled | other meetings moved | new meetings | value before |"
          " value after | stats.moved | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {size} | {r['cancelled']} | {r['others_moved']} | {r['new_meetings']} |"
          f" {r['first_value']:.2f} | {r['value']:.2f} | {r['moved']} | {r['seconds']:.1f} |")


def min_meetings_table(size: str, seed: int, folder: Path, k: int = 1) -> None:
    """Print the value cost of options.min_meetings on one size."""
    raw = generate(SIZES[size], seed)
    plain = folder / f"{size}-{seed}.json"
    plain.write_text(json.dumps(raw))
    fair = folder / f"{size}-{seed}-min{k}.json"
    fair.write_text(json.dumps({**raw, "options": {"min_meetings": k}}))
    a = run({"algo": "solver", "problem": str(plain), "time_limit": TIME_LIMITS[size]})
    b = run({"algo": "solver", "problem": str(fair), "time_limit": TIME_LIMITS[size]})
    print("| size | min_meetings | value | asked, got none | value cost |")
    print("|---|---|---|---|---|")
    print(f"| {size} | 0 | {a['value']:.2f} | {a['without']} | |")
    print(f"| {size} | {k} | {b['value']:.2f} | {b['without']} |"
          f" {100 * (a['value'] - b['value']) / a['value']:.2f}% |")


def main() -> None:
    """Parse the options and print the requested tables."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=os.environ.get("SIZES", "S,M"))
    parser.add_argument("--all", action="store_true", help="every size, JAIR, resolve")
    parser.add_argument("--jair", action="store_true")
    parser.add_argument("--jair-limit", type=float, default=30.0)
    parser.add_argument("--jair-dir", type=Path, default=JAIR_DIR,
                        help="folder of the JAIR 2022 instances (default: %(default)s)")
    parser.add_argument("--resolve", action="store_true")
    parser.add_argument("--min-meetings", metavar="SIZE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="",
                        help="CP-SAT workers, comma-separated for JAIR (default: the solver's)")
    parser.add_argument("--cap", type=float, default=None,
                        help="wall-clock cap in seconds instead of the time limit (the work"
                        " budget stays that of the time limit): for a busy machine")
    parser.add_argument("--jair-only", default="", help="comma-separated instance names")
    parser.add_argument("--seeds", default="0", help="JAIR: comma-separated solver seeds")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(json.loads(args.worker))))
        return
    workers = [int(x) for x in args.workers.split(",") if x]
    sizes = list(SIZES) if args.all else [s for s in args.sizes.split(",") if s]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    only_extras = (args.jair or args.resolve or args.min_meetings) and not args.all
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if sizes and not only_extras:
            sizes_table(sizes, args.seed, folder, workers[0] if workers else None, args.cap)
        if args.jair or args.all:
            jair_table(args.jair_limit, args.jair_dir,
                       names=[n for n in args.jair_only.split(",") if n],
                       seeds=[int(x) for x in args.seeds.split(",") if x], workers=workers,
                       cap=args.cap)
        if args.resolve or args.all:
            resolve_table(args.seed, folder)
        if args.min_meetings or args.all:
            min_meetings_table(args.min_meetings or "tight", args.seed, folder)


if __name__ == "__main__":
    main()
