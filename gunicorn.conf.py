"""gunicorn settings, read when gunicorn starts in this directory (`gunicorn wsgi:app`).

Workers: WEB_WORKERS when declared (config.py checks the same number), else WEB_CONCURRENCY,
else two per core plus one: a sync worker waits for PostgreSQL and Redis during part of each
request, so a core needs more than one. The master refuses to start production with rate
limits counted per process (memory://) when it runs more than one worker, whatever set the
count (`-w`, WEB_CONCURRENCY or WEB_WORKERS).

Logs: the app writes one JSON line per request (logger ``app.requests``: request id, route
pattern, status, duration, user id; see app/logs.py); that line is the access log. gunicorn's
own access log stays off: it would write each path in full, and paths carry the personal links'
tokens, with the visitor's address. gunicorn's errors go to standard error (the journal).
"""

import multiprocessing
import os
import sys

from config import ConfigError, ProductionConfig, config_from_env, count, rate_limit_storage_problem

bind = "127.0.0.1:8000"  # behind the TLS reverse proxy on the same machine
_declared = count({"WEB_WORKERS": ProductionConfig.WEB_WORKERS}, "WEB_WORKERS")
workers = (_declared or count({"WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY")},
                              "WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
#: A worker silent this long is killed and replaced (the slowest page, every agenda of a
#: 200-person B2B session as one PDF, takes about 6 s on a 2-core machine).
timeout = 60
#: On `systemctl reload` or stop, a worker may finish its request for this long.
graceful_timeout = 30
#: Seconds a kept-alive connection from the reverse proxy waits for its next request.
keepalive = 5
accesslog = None  # the app's JSON request line is the access log (see above)
errorlog = "-"


def on_starting(server) -> None:
    """Refuse a multi-worker production start whose rate limits would count per worker."""
    try:
        config_class = config_from_env()
        settings = {name: getattr(config_class, name) for name in dir(config_class)
                    if name.isupper()}
        problem = None
        if issubclass(config_class, ProductionConfig):
            problem = rate_limit_storage_problem(settings, server.cfg.workers)
    except ConfigError as error:
        problem = str(error)
    if problem:
        # Before any socket is bound or worker forked: one line, and the master exits.
        sys.exit(f"clustermeet: refusing to start: {problem}")
