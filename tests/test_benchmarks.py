"""The benchmark scripts still import what they name (they run only on demand, not in tests)."""

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parent.parent / "benchmarks").glob("*.py"))


def _imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Return (module, names) of every absolute import of app or matchmaking, nested ones too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names)))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, ()) for alias in node.names)
    return [(module, names) for module, names in found
            if module.split(".")[0] in ("app", "matchmaking")]


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda path: path.name)
def test_benchmark_imports_resolve(path):
    for module_name, names in _imports(path):
        module = importlib.import_module(module_name)
        missing = [name for name in names if not hasattr(module, name)
                   and importlib.util.find_spec(f"{module_name}.{name}") is None]
        assert missing == [], f"{path.name}: {module_name} has no {missing}"


def test_load_benchmark_names_its_missing_redis(monkeypatch):
    import socket

    from benchmarks import load

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{probe.getsockname()[1]}/13"
    monkeypatch.setattr(load, "REDIS_URL", url)

    message = load.redis_missing()

    assert message is not None and url in message and "LOAD_REDIS_URL" in message
