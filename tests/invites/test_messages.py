from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from app.invites.messages import (
    Attachment,
    build_imip_message,
    build_plain_message,
    ics_method,
)

from .samples import PRODUCED

SENDER = ("Cluster Circulaire Bruxelles", "agenda@clustermeet.example.be")
TO = ("Zoë Müller-Dupont", "zoe.muller@atelier-velo.example.be")
SENT_AT = datetime(2027, 3, 1, 9, 15, tzinfo=UTC)


def _imip(**changes):
    arguments = {
        "sender": SENDER,
        "to": TO,
        "subject": "Rendez-vous B2B : Jan Van den Bossche, 29/10 à 10:00",
        "text_body": "Bonjour Zoë,\nvotre rendez-vous est confirmé.",
        "html_body": "<p>Bonjour Zoë,<br>votre rendez-vous est confirmé.</p>",
        "ics_bytes": PRODUCED["meeting_request"](),
        "method": "REQUEST",
        "message_id_domain": "clustermeet.example.be",
        "sent_at": SENT_AT,
    }
    arguments.update(changes)
    return build_imip_message(**arguments)


def _parse(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


@pytest.mark.parametrize(
    ("produced", "method"), [("meeting_request", "REQUEST"), ("meeting_cancel", "CANCEL")]
)
def test_build_imip_message_has_alternative_calendar_part_and_attachment(produced, method):
    ics = PRODUCED[produced]()

    parsed = _parse(_imip(ics_bytes=ics, method=method))

    structure = [part.get_content_type() for part in parsed.walk()]
    assert structure == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    calendar_part = list(parsed.walk())[4]
    assert calendar_part.get_param("method") == method
    assert calendar_part.get_param("charset") == "utf-8"
    assert calendar_part.get_content_disposition() is None
    assert calendar_part.get_payload(decode=True) == ics
    attachment = list(parsed.walk())[5]
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_payload(decode=True) == ics


def test_build_imip_message_has_readable_headers_and_bodies():
    parsed = _parse(_imip())

    assert str(parsed["From"]) == "Cluster Circulaire Bruxelles <agenda@clustermeet.example.be>"
    assert str(parsed["To"]) == "Zoë Müller-Dupont <zoe.muller@atelier-velo.example.be>"
    assert parsed["To"].addresses[0].display_name == "Zoë Müller-Dupont"
    assert str(parsed["Subject"]) == "Rendez-vous B2B : Jan Van den Bossche, 29/10 à 10:00"
    assert str(parsed["Date"]) == "Mon, 01 Mar 2027 09:15:00 +0000"
    assert str(parsed["Message-ID"]).endswith("@clustermeet.example.be>")
    assert str(parsed["Auto-Submitted"]) == "auto-generated"
    assert parsed["Reply-To"] is None
    plain, html = [p for p in parsed.walk() if p.get_content_maintype() == "text"][:2]
    assert plain.get_content() == "Bonjour Zoë,\nvotre rendez-vous est confirmé.\n"
    assert html.get_content() == "<p>Bonjour Zoë,<br>votre rendez-vous est confirmé.</p>\n"


def test_build_imip_message_encodes_non_ascii_headers_as_ascii():
    raw = _imip().as_bytes()

    headers = raw.split(b"\n\n", 1)[0]

    assert headers.decode("ascii").count("=?utf-8?") >= 2
    assert b"MIME-Version: 1.0" in headers


def test_build_imip_message_sets_reply_to():
    parsed = _parse(_imip(reply_to=("Équipe B2B", "b2b@clustermeet.example.be")))

    assert str(parsed["Reply-To"]) == "Équipe B2B <b2b@clustermeet.example.be>"


def test_build_imip_message_rejects_method_differing_from_calendar():
    with pytest.raises(ValueError, match="METHOD:REQUEST"):
        _imip(method="CANCEL")


def test_build_imip_message_rejects_calendar_without_method():
    with pytest.raises(ValueError, match="METHOD:None"):
        _imip(ics_bytes=PRODUCED["feed"]())


def test_build_imip_message_keeps_injected_header_on_one_line():
    evil = "Evil\r\nBcc: x@y"

    message = _imip(to=(evil, "zoe@example.be"), sender=(evil, "a@example.be"), subject=evil)
    raw = message.as_bytes()
    parsed = _parse(message)

    assert parsed["Bcc"] is None
    assert parsed.get_all("Bcc") is None
    assert str(parsed["To"]) == '"Evil Bcc: x@y" <zoe@example.be>'
    assert str(parsed["Sender"]) == '"Evil Bcc: x@y" <a@example.be>'
    assert str(parsed["Subject"]) == "Evil Bcc: x@y"
    assert b"\nBcc:" not in raw


@pytest.mark.parametrize(
    "bad_email", ["zoe@example.be\r\nBcc: x@y", "no-at-sign", "@example.be", "zoe@"]
)
def test_build_imip_message_rejects_bad_addresses(bad_email):
    with pytest.raises(ValueError):
        _imip(to=("Zoë", bad_email))


def test_ics_method_reads_only_the_calendar_level_method():
    assert ics_method(PRODUCED["meeting_cancel"]()) == "CANCEL"
    assert ics_method(PRODUCED["feed"]()) is None


def test_build_plain_message_without_html_is_a_single_text_part():
    message = build_plain_message(
        sender=SENDER,
        to=TO,
        subject="Rappel\n: demain",
        text_body="Bonjour",
        message_id_domain="clustermeet.example.be",
    )

    parsed = _parse(message)

    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content() == "Bonjour\n"
    assert str(parsed["Subject"]) == "Rappel : demain"


def test_build_plain_message_with_html_and_attachments_nests_parts():
    message = build_plain_message(
        sender=SENDER,
        to=TO,
        subject="Rapport annuel",
        text_body="Ci-joint le rapport.",
        html_body="<p>Ci-joint le rapport.</p>",
        attachments=[
            Attachment("rapport-2027.pdf", b"%PDF-1.7 fake", "application/pdf"),
            ("participants.csv", "nom;présent\nZoë;oui\n".encode(), "text/csv"),
        ],
        message_id_domain="clustermeet.example.be",
    )

    parsed = _parse(message)

    assert [part.get_content_type() for part in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
        "text/csv",
    ]
    attachments = list(parsed.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["rapport-2027.pdf", "participants.csv"]
    assert attachments[0].get_payload(decode=True) == b"%PDF-1.7 fake"
    assert attachments[1].get_payload(decode=True) == "nom;présent\nZoë;oui\n".encode()


def test_build_plain_message_rejects_bad_content_type():
    with pytest.raises(ValueError, match="content type"):
        build_plain_message(
            sender=SENDER,
            to=TO,
            subject="x",
            text_body="x",
            attachments=[("a.bin", b"x", "nonsense")],
            message_id_domain="clustermeet.example.be",
        )


def test_imip_message_refuses_a_calendar_with_several_uids():
    # Outlook 2007-2019 imports only the first VEVENT of an iMIP part: one object per mail.
    first = PRODUCED["meeting_request"]()
    other = first.replace(b"UID:b2b-3-7-12@", b"UID:b2b-3-7-13@")
    start, end = other.index(b"BEGIN:VEVENT"), other.rindex(b"END:VCALENDAR")
    two = first[: first.rindex(b"END:VCALENDAR")] + other[start:end] + b"END:VCALENDAR\r\n"

    with pytest.raises(ValueError, match="one calendar object"):
        _imip(ics_bytes=two)


def test_organizer_equals_from_when_the_sending_mailbox_is_another_address():
    # The ORGANIZER of the sample is agenda@clustermeet.example.be.
    parsed = _parse(_imip(sender=("Clustermeet", "noreply@mailer.example.be")))

    assert parsed["From"].addresses[0].addr_spec == "agenda@clustermeet.example.be"
    assert parsed["Sender"].addresses[0].addr_spec == "noreply@mailer.example.be"


def test_no_sender_header_when_the_organizer_sends_itself():
    parsed = _parse(_imip())

    assert parsed["From"].addresses[0].addr_spec == "agenda@clustermeet.example.be"
    assert parsed["Sender"] is None
