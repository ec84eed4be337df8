"""Command line: solve, resolve, check and bound problem files."""

from __future__ import annotations

import argparse
import sys
import time

from matchmaking.bound import upper_bound
from matchmaking.check import check, measure
from matchmaking.io import ProblemError, dump_schedule, load_problem, load_schedule
from matchmaking.model import Schedule
from matchmaking.resolve import resolve
from matchmaking.solver import solve


class _Parser(argparse.ArgumentParser):
    """Argument parser that reports a usage error on one line and exits 2."""

    def error(self, message: str):  # type: ignore[override]
        """Print the usage error on one line and exit with status 2."""
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m matchmaking", description="Schedule B2B meetings.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("solve", help="compute a schedule")
    p.add_argument("problem")
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--work", type=float, default=None,
                   help="deterministic work units (default: in proportion to the time limit)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--out")
    p = sub.add_parser("resolve", help="re-plan after changes, keeping the past")
    p.add_argument("problem")
    p.add_argument("previous")
    p.add_argument("--from", dest="from_slot")
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--work", type=float, default=None,
                   help="deterministic work units (default: in proportion to the time limit)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--out")
    p = sub.add_parser("check", help="validate a schedule and print its stats")
    p.add_argument("problem")
    p.add_argument("schedule")
    p = sub.add_parser("bound", help="print an upper bound on the value")
    p.add_argument("problem")
    return parser


def _progress(started: float):
    def report(value: float, bound: float, placed: int) -> None:
        seconds = time.monotonic() - started
        print(f"progress: value {value:.2f}, bound {bound:.2f}, {placed} meetings,"
              f" {seconds:.1f} s",
              file=sys.stderr, flush=True)

    return report


def _summary(name: str, schedule: Schedule) -> str:
    st = schedule.stats
    return (f"{name}: {st.meetings} meetings, value {st.value:g} of at most {st.upper_bound:g}"
            f" ({st.status}), {st.participants_without_meeting} without a meeting,"
            f" {st.breaks} breaks, {st.idle_slots} idle slots, {st.solve_seconds:.1f} s"
            + (f", {st.moved} moved" if st.moved else "")
            + (", stopped by the time limit" if st.hit_wall_clock_limit else ""))


def _write(schedule: Schedule, out: str | None) -> None:
    text = dump_schedule(schedule)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            raise ProblemError(out, "", f"cannot write file: {e.strerror or e}") from e


def run(argv: list[str]) -> int:
    """Run one command and return its exit code."""
    args = _parser().parse_args(argv)
    if args.command in ("solve", "resolve") and args.time_limit <= 0:
        raise ProblemError("--time-limit", "", "must be positive")
    if args.command in ("solve", "resolve") and args.work is not None and args.work <= 0:
        raise ProblemError("--work", "", "must be positive")
    problem = load_problem(args.problem)
    if args.command == "bound":
        print(f"{upper_bound(problem):g}")
        return 0
    if args.command == "check":
        schedule = load_schedule(args.schedule)
        problems = check(problem, schedule)
        got = measure(problem, schedule.meetings)
        for line in problems:
            print(line)
        print(f"value {got.value:g}, meetings {got.meetings}, participants_without_meeting "
              f"{got.participants_without_meeting}, breaks {got.breaks}, "
              f"idle_slots {got.idle_slots}")
        return 1 if problems else 0
    started = time.monotonic()
    if args.command == "solve":
        schedule = solve(problem, time_limit=args.time_limit, seed=args.seed,
                         progress=_progress(started), workers=args.workers, work=args.work)
    else:
        previous = load_schedule(args.previous)
        schedule = resolve(problem, previous, from_slot=args.from_slot,
                           time_limit=args.time_limit, seed=args.seed,
                           progress=_progress(started), workers=args.workers, work=args.work)
    _write(schedule, args.out)
    print(_summary(args.problem, schedule), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; bad input exits 2 with one line, never a traceback."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except ProblemError as e:
        print(str(e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the CLI boundary turns any failure into one line
        first = str(e).splitlines()[0] if str(e) else ""
        print(f"internal error: {type(e).__name__}: {first}", file=sys.stderr)
        return 3
