"""Signed links' tokens altered the way a forger would."""


def forged(token: str) -> str:
    """Return the token with one character of its signature changed.

    Not the last character: its low bits are base64 padding, and a change there may decode to
    the same signature, leaving the token valid.
    """
    i = len(token) - 5
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
