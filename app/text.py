"""Short plain texts for logs and stored error columns, shared by the low packages."""


def one_line(exc: BaseException, *, with_type: bool = True) -> str:
    """Describe an exception on one line: "Type: message", or the message alone if asked.

    Whitespace (tracebacks, SMTP replies on several lines) is folded into single spaces; an
    exception without a message is described by its type.
    """
    text = " ".join(str(exc).split())
    if not text:
        return type(exc).__name__
    return f"{type(exc).__name__}: {text}" if with_type else text
