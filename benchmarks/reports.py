"""Time the reports over ten years of data: dashboard, annual report page, its PDF, the CSV.

    python -m benchmarks.reports [--scale 1] [--database-url postgresql+psycopg://...]

Builds ten years (benchmarks/decade.py) in a temporary SQLite database, or in the database
given (which it empties first: never point it at real data), logs in as an organiser and
fetches each report of the last year through the test client. Prints each page's median
time against its target and exits 1 when one misses.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGETS = {"dashboard": 1.0, "annual report page": 1.0, "annual report PDF": 5.0,
           "figures CSV": 1.0}


def _times(client, url: str, repeat: int) -> tuple[float, float]:
    """Return the first request's time and the median of `repeat` more."""
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(url, headers={"Accept-Language": "fr"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return times[0], statistics.median(times[1:])


def measure(app, year: int, repeat: int = 3) -> list[tuple[str, float, float]]:
    """Log in as an organiser; return each report's first and median later times (seconds).

    The first request of a process also loads templates, translations and, for the PDF,
    WeasyPrint (about 3 s, once per worker): the targets are for the requests after it.
    """
    from app.auth.services import create_user
    from app.extensions import db

    with app.app_context():
        create_user("bench@cluster.example", "bench-password", name="Bench", is_admin=True)
        db.session.commit()
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "bench@cluster.example",
                                                "password": "bench-password"})
    assert response.status_code == 302, response.status_code
    period = f"start={year}-01-01&end={year}-12-31"
    urls = {"dashboard": f"/admin/reports/?{period}",
            "annual report page": f"/admin/reports/annual/{year}",
            "annual report PDF": f"/admin/reports/annual/{year}.pdf",
            "figures CSV": f"/admin/reports/figures.csv?{period}"}
    return [(name, *_times(client, url, repeat)) for name, url in urls.items()]


def run(url: str, scale: float, year: int) -> tuple[dict[str, int], float, list]:
    """Build the data in the database at `url`, then time the reports."""
    from app import create_app
    from app.extensions import db
    from benchmarks.decade import build_decade
    from config import TestingConfig

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        counts = build_decade(year, scale)
        built = time.perf_counter() - started
    rows = measure(app, year)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return counts, built, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", help="a database it may empty (default: SQLite)")
    args = parser.parse_args()
    year = date.today().year
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'decade.sqlite'}"
        counts, built, rows = run(url, args.scale, year)
    print(f"\nReports benchmark: ten years up to {year} on {url.split(':')[0]}, built in "
          f"{built:.1f} s: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + "\n")
    print(f"{'report of the last year':<24} {'first (s)':>10} {'median (s)':>11} {'target':>7}  ok")
    failed = False
    for name, first, seconds in rows:
        target = TARGETS[name]
        ok = "yes" if seconds <= target else "NO"
        failed |= ok == "NO"
        print(f"{name:<24} {first:>10.3f} {seconds:>11.3f} {target:>7}  {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
