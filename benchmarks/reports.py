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


def _median(client, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers={"Accept-Language": "fr"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def measure(app, year: int, repeat: int = 3) -> list[tuple[str, float]]:
    """Log in as an organiser and return each report's median time in seconds."""
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
    return [
        ("dashboard", _median(client, f"/admin/reports/?{period}", repeat)),
        ("annual report page", _median(client, f"/admin/reports/annual/{year}", repeat)),
        ("annual report PDF", _median(client, f"/admin/reports/annual/{year}.pdf", 1)),
        ("figures CSV", _median(client, f"/admin/reports/figures.csv?{period}", repeat)),
    ]


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
    print(f"{'report of the last year':<28} {'seconds':>9} {'target':>8}  ok")
    failed = False
    for name, seconds in rows:
        target = TARGETS[name]
        ok = "yes" if seconds <= target else "NO"
        failed |= ok == "NO"
        print(f"{name:<28} {seconds:>9.3f} {target:>8}  {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
