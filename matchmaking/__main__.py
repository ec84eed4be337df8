"""Entry point of `python -m matchmaking`."""

import sys

from matchmaking.cli import main

sys.exit(main())
