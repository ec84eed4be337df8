"""`flask seed ...`: vocabulary and demo data."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.seed.demo_b2b import seed_demo_b2b
from app.seed.demo_events import seed_demo_events
from app.seed.demo_members import (
    DEMO_ORGANISER_EMAIL,
    DEMO_ORGANISER_PASSWORD,
    seed_demo_members,
)
from app.seed.demo_schedule import seed_demo_schedule
from app.seed.demo_year import seed_demo_year
from app.seed.vocabulary import seed_vocabulary

seed_cli = AppGroup("seed", help="Load reference and demo data.")

#: Where `flask seed demo` may run: its organiser account has a published password.
DEMO_ENVIRONMENTS = ("development", "testing")

#: Further demo steps (events, B2B) register here: callables taking the seed.
DEMO_STEPS: list = [seed_demo_events, seed_demo_b2b, seed_demo_schedule, seed_demo_year]


@seed_cli.command("vocabulary")
def vocabulary() -> None:
    """Create the cluster's sectors and tags (missing ones only)."""
    seed_vocabulary()
    db.session.commit()
    click.echo("Vocabulary ready.")


@seed_cli.command("demo")
@click.option("--seed", default=2027, show_default=True, help="Random seed of the demo data.")
def demo(seed: int) -> None:
    """Build the fictional demo cluster (only into a database without organisations)."""
    environment = current_app.config.get("ENV_NAME")
    if environment not in DEMO_ENVIRONMENTS:
        # The demo organiser's password is printed below and public in the repository.
        raise click.UsageError(
            f"the demo data (with its known organiser password) is for development and "
            f"testing only, not {environment or 'this environment'}")
    seed_vocabulary()
    created = seed_demo_members(seed)
    if created:
        for step in DEMO_STEPS:
            step(seed)
    db.session.commit()
    if created:
        click.echo("Demo data loaded.")
    else:
        click.echo("The database has organisations already: demo data left as it is.")
    click.echo(f"Demo organiser: {DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}")
