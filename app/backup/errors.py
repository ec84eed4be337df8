"""The one error of backups: its message is the line the command prints."""


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in one line."""
