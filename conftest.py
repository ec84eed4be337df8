"""Root pytest configuration: shared fixture plugins."""

pytest_plugins = ["tests.fixtures.smtp", "tests.fixtures.live", "tests.fixtures.race",
                  "tests.fixtures.rq_workers"]
