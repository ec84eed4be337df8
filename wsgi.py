"""WSGI entry point: `gunicorn wsgi:app` (and `flask` commands, through FLASK_APP=wsgi)."""

import sys

from app import create_app
from config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # One clear line instead of a traceback; the process must not start.
    sys.exit(f"clustermeet: refusing to start: {error}")
