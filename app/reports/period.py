"""Periods of days and ratios: the two shapes every figure is given in."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.timezone import combine


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included (Brussels days)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def year(cls, year: int) -> "Period":
        """Return the calendar year."""
        return cls(date(year, 1, 1), date(year, 12, 31))

    def previous_year(self) -> "Period":
        """Return the same days one year earlier (29 February becomes the 28th)."""

        def back(day: date) -> date:
            return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else 31))

        return Period(back(self.start), back(self.end))

    @property
    def utc_bounds(self) -> tuple[datetime, datetime]:
        """Return [first instant, first instant after) in UTC, from Brussels midnights."""
        return combine(self.start, time(0)), combine(self.end + timedelta(days=1), time(0))


@dataclass(frozen=True)
class Ratio:
    """A share: how many of how many; the percentage is None when there is nobody to count."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        """Return the share in percent, one decimal, or None for an empty whole."""
        return round(100 * self.part / self.whole, 1) if self.whole else None
