"""Who the cluster's mails and calendar invites come from, read from the configuration."""

from email.utils import parseaddr

from flask import current_app

from app.invites.items import Party


def cluster_sender() -> tuple[str, str]:
    """Return the (name, address) every mail is sent from."""
    config = current_app.config
    name, email = parseaddr(config["MAIL_DEFAULT_SENDER"])
    return name or config["CLUSTER_NAME"], email or config["CLUSTER_EMAIL"]


def cluster_organizer() -> Party:
    """Return the ORGANIZER of every calendar invite: the cluster's mailbox."""
    return Party(current_app.config["CLUSTER_NAME"], current_app.config["CLUSTER_EMAIL"])


def cluster_domain() -> str:
    """Return the domain that makes calendar UIDs and Message-IDs globally unique."""
    return current_app.config["CLUSTER_EMAIL"].rpartition("@")[2] or "localhost"
