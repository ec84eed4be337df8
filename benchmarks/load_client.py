"""A bounded HTTP/1.1 load client on asyncio streams (no third-party package).

Used by ``benchmarks/load.py`` in a process of its own. One connection per request
(``Connection: close``: gunicorn's sync workers close it anyway). Every loop is bounded: a
number of requests, a deadline, and a timeout on each request.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

#: One request waits at most this long (connect, send, read the whole answer); a rush on a
#: busy machine queues for long, and a timed-out registration counts as an error.
REQUEST_TIMEOUT = 60.0
_HIDDEN_INPUT = re.compile(rb"<input[^>]*type=\"hidden\"[^>]*>")
_ATTRIBUTE = re.compile(rb"(name|value)=\"([^\"]*)\"")


@dataclass
class Answer:
    """A response: its status (0 when the request failed), cookies set and body."""

    status: int
    cookies: dict[str, str] = field(default_factory=dict)
    location: str = ""
    body: bytes = b""


async def request(port: int, method: str, path: str, *, cookies: dict | None = None,
                  form: dict | None = None) -> Answer:
    """Send one request to 127.0.0.1:`port` and read the whole answer; status 0 on failure."""
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
             "Accept-Language: en", "User-Agent: clustermeet-load"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded",
                  f"Content-Length: {len(body)}"]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    try:
        return await asyncio.wait_for(_exchange(port, raw), REQUEST_TIMEOUT)
    except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
        return Answer(0)


async def _exchange(port: int, raw: bytes) -> Answer:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        data = await reader.read(-1)  # the server closes the connection after the answer
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    answer = Answer(int(lines[0].split()[1]), body=body)
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "set-cookie":
            cookie_name, _, cookie_value = value.strip().split(";")[0].partition("=")
            answer.cookies[cookie_name] = cookie_value
        elif name == "location":
            answer.location = value.strip()
    return answer


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted `values` (0 when empty)."""
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]


def summary(latencies: list[float], errors: int, seconds: float) -> dict:
    """Return requests, requests/s, p50/p95/p99 (seconds) and errors of a run."""
    latencies = sorted(latencies)
    return {"requests": len(latencies) + errors, "rps": len(latencies) / seconds if seconds else 0,
            "p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99), "errors": errors, "seconds": seconds}


async def alternate(targets: list[tuple[int, str]], *, concurrency: int, seconds: float,
                    rounds: int, max_requests: int, warmup: float = 1.0) -> list[dict]:
    """GET each (port, path) of `targets` in turn, `rounds` times, `seconds` in all for each.

    After a warm-up of each target, the slices alternate (hello, then each page, then hello
    again...): the machine's speed drifts within seconds, and interleaving puts the same
    drift on every target, so their ratio holds within one run. Returns one summary per
    target, in order. Bounded: at most `max_requests` per target.
    """
    for port, path in targets:
        await _loop(port, path, concurrency, warmup, max_requests, [], [0])
    latencies: list[list[float]] = [[] for _ in targets]
    errors = [[0] for _ in targets]
    spent = [0.0] * len(targets)
    for _ in range(rounds):
        for number, (port, path) in enumerate(targets):
            started = time.perf_counter()
            await _loop(port, path, concurrency, seconds / rounds, max_requests // rounds,
                        latencies[number], errors[number])
            spent[number] += time.perf_counter() - started
    return [summary(times, error[0], elapsed)
            for times, error, elapsed in zip(latencies, errors, spent, strict=True)]


async def _loop(port, path, concurrency, seconds, max_requests, latencies, errors) -> None:
    deadline = time.perf_counter() + seconds
    sent = [0]

    async def one_connection() -> None:
        while time.perf_counter() < deadline and sent[0] < max_requests:
            sent[0] += 1
            began = time.perf_counter()
            answer = await request(port, "GET", path)
            if answer.status == 200:
                latencies.append(time.perf_counter() - began)
            else:
                errors[0] += 1

    await asyncio.gather(*(one_connection() for _ in range(concurrency)))


def hidden_fields(body: bytes) -> dict[str, str]:
    """Return the hidden inputs of a page (CSRF token, the form's signed time)."""
    fields = {}
    for tag in _HIDDEN_INPUT.findall(body):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if b"name" in attributes:
            fields[attributes[b"name"].decode()] = attributes.get(b"value", b"").decode()
    return fields


async def rush(port: int, event_id: int, people: int, concurrency: int, tag: str,
               min_form_seconds: float) -> dict:
    """Open the form for `people`, then post them all at once, `concurrency` in flight."""
    path = f"/events/{event_id}"
    gate = asyncio.Semaphore(20)  # opening the forms is not measured

    async def open_form(index: int):
        async with gate:
            answer = await request(port, "GET", path)
        if answer.status != 200:
            return None
        return answer.cookies, {**hidden_fields(answer.body), "first_name": "Rush",
                                "last_name": f"{tag}{index}", "language": "en",
                                "email": f"rush-{tag}-{index}@example.org", "consent": "y"}

    forms = await asyncio.gather(*(open_form(index) for index in range(people)))
    # The forms are signed when shown: posting sooner than FORM_MIN_SECONDS is refused.
    await asyncio.sleep(min_form_seconds + 0.2)
    posting = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    errors = [sum(1 for form in forms if form is None)]

    async def post(form) -> None:
        async with posting:
            began = time.perf_counter()
            answer = await request(port, "POST", path, cookies=form[0], form=form[1])
            if answer.status == 302 and "/registered" in answer.location:
                latencies.append(time.perf_counter() - began)
            else:
                errors[0] += 1

    started = time.perf_counter()
    await asyncio.gather(*(post(form) for form in forms if form is not None))
    return summary(latencies, errors[0], time.perf_counter() - started)


def run_in_child(results, job: str, *args, **kwargs) -> None:
    """Run one client job (`alternate` or `rush`) in this process; put its figures on
    `results`."""
    coroutine = {"alternate": alternate, "rush": rush}[job]
    try:
        results.put(asyncio.run(coroutine(*args, **kwargs)))
    except Exception as error:  # the parent prints it instead of waiting for nothing
        results.put({"failed": repr(error)})
