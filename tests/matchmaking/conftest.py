"""Hypothesis profiles for the matchmaking tests: dev (default), ci (lighter), thorough."""

import os

from hypothesis import HealthCheck, settings

for name, examples in (("dev", 60), ("ci", 20), ("thorough", 400)):
    settings.register_profile(
        name, max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
