"""B2B background jobs: importing this module registers their handlers for the worker."""

from app.b2b import runs  # noqa: F401  (registers "b2b.solve")
