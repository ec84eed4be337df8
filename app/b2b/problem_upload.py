"""Reading an uploaded problem file: size, encoding, nesting and numbers checked before use."""

from __future__ import annotations

import json
import math
from typing import Any

from app.b2b.problem import IMPORT_NAME
from app.db import DB_INT_MAX, DB_INT_MIN
from app.text import strip_control_characters
from matchmaking import ProblemError

#: Largest problem file accepted for import.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
#: A b2b-problem/1 file nests four levels (object, list, object, list); more is not a problem.
MAX_DEPTH = 8


def read_problem_upload(raw: bytes) -> Any:
    """Parse an uploaded problem file, or raise ProblemError saying why it is refused.

    Strings lose their control characters (as typed forms do); integers must fit the
    database's columns; nesting deeper than a problem file needs is refused.
    """
    if len(raw) > MAX_IMPORT_BYTES:
        raise ProblemError(IMPORT_NAME, "", "file larger than 5 MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(IMPORT_NAME, "", f"not valid JSON: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(IMPORT_NAME, "", f"not valid JSON: {exc}") from exc
    except RecursionError:
        raise _too_deep("") from None
    return _checked(data, "", 0)


def _too_deep(where: str) -> ProblemError:
    return ProblemError(IMPORT_NAME, where or "(top level)",
                        f"nested more than {MAX_DEPTH} levels deep")


def _checked(value: Any, where: str, depth: int) -> Any:
    """Return the value with clean strings, or raise ProblemError on a number or depth refused."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and not DB_INT_MIN <= value <= DB_INT_MAX:
        raise ProblemError(IMPORT_NAME, where or "(top level)", f"number out of range: {value}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ProblemError(IMPORT_NAME, where or "(top level)", f"not a number: {value}")
    if isinstance(value, int | float):
        return value
    if depth >= MAX_DEPTH:
        raise _too_deep(where)
    if isinstance(value, list):
        return [_checked(item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value)]
    return {strip_control_characters(key): _checked(item, f"{where}.{key}" if where else key,
                                                    depth + 1)
            for key, item in value.items()}
