"""The ceiling of ``benchmarks/load.py``: a bare Flask "hello" app under the same gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """Answer a fixed text."""
    return "Hello, World!"
