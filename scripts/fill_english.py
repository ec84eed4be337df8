"""Fill the English catalogue: msgids are English, so each message translates to itself."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"


def main() -> None:
    """Copy every msgid (and plural) into its msgstr, keeping existing entries."""
    with PATH.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with PATH.open("wb") as handle:
        write_po(handle, catalog, width=100)


if __name__ == "__main__":
    main()
