"""gunicorn settings, read when gunicorn starts in this directory (`gunicorn wsgi:app`).

The number of web workers comes from WEB_WORKERS (config.py), and the master refuses to start
production with rate limits counted per process (memory://) when it runs more than one worker,
whatever set the count (`-w`, WEB_CONCURRENCY or WEB_WORKERS).
"""

import sys

from config import ConfigError, ProductionConfig, config_from_env, count, rate_limit_storage_problem

bind = "127.0.0.1:8000"  # behind the TLS reverse proxy on the same machine
_declared = count({"WEB_WORKERS": ProductionConfig.WEB_WORKERS}, "WEB_WORKERS")
if _declared:
    workers = _declared


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
