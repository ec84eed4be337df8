"""Signals a lower package sends so that higher ones can react without being imported.

events announces changes to registrations and asks for the links other packages add to
them; b2b subscribes in ``app/b2b/receivers.py``, connected once by ``create_app``.
Every registration signal is sent with the registration as sender; jobs announces the jobs a
dead worker left (`jobs_failed`). Receivers run inside the sender's
transaction: they may flush, never commit.
"""

from typing import NamedTuple

from blinker import Namespace

_signals = Namespace()

#: A registration became confirmed: registered with a place, promoted, approved or moved.
registration_confirmed = _signals.signal("registration-confirmed")
#: A registration was cancelled, by the person or by an organiser.
registration_cancelled = _signals.signal("registration-cancelled")
#: Asks for the links shown with a confirmed registration, on its page and in its mails;
#: receivers return a :class:`Link`, or None when they have nothing to add.
registration_links = _signals.signal("registration-links")
#: Jobs were failed because their worker stopped responding; sent with ``job_ids`` (a list)
#: and no sender, so the package whose work they did marks it failed too.
jobs_failed = _signals.signal("jobs-failed")


class Link(NamedTuple):
    """A link a subscriber adds to a page or a mail."""

    #: Short key naming the link; pages mark it with ``data-testid="<name>-link"``.
    name: str
    #: Text of the link, already translated in the current locale.
    label: str
    #: Absolute address.
    url: str


def ask_registration_links(registration) -> list[Link]:
    """Return the links subscribers add to a registration, ordered by name."""
    answers = registration_links.send(registration)
    return sorted((link for _receiver, link in answers if link), key=lambda link: link.name)
