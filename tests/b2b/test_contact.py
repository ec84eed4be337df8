"""Privacy of B2B participants: addresses shared only by consent, contact through the app."""

import pytest

from app.b2b import publication
from app.b2b.queries import get_agenda, make_participant_token
from app.extensions import db
from tests.factories import make_run, make_schedule_session, participants_of
from tests.mails import outbox, parse, text_body
from tests.pages import get_en


@pytest.fixture
def met(db):
    """Ann (en) and Bert (fr) meet; the schedule is published."""
    session = make_schedule_session()
    run = make_run(session, ((0, 1, 0, 0),))
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    p = participants_of(session)
    return p[0], p[1]


def agenda(participant, path=""):
    return f"/b2b/agenda/{make_participant_token(participant)}{path}"


def test_profile_form_records_consent_to_share_the_address(client, met):
    ann, _bert = met
    portal = f"/b2b/{ann.session_id}/me/{make_participant_token(ann)}/profile"
    assert 'name="share_email"' in get_en(client, portal).text
    assert ann.share_email is False  # default: not shared

    response = client.post(portal, data={"languages": ["en"], "share_email": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    assert ann.share_email is True


def test_agenda_offers_a_contact_button_instead_of_a_hidden_address(client, met):
    ann, bert = met
    html = get_en(client, agenda(ann)).text
    assert "bert@example.org" not in html and 'data-testid="contact"' in html

    bert.share_email = True
    db.session.commit()
    html = get_en(client, agenda(ann)).text
    assert "mailto:bert@example.org" in html


def test_contact_form_forwards_the_message_in_the_recipients_language(client, met):
    ann, bert = met
    [meeting] = get_agenda(ann)
    url = agenda(ann, f"/contact/{meeting['row'].id}")
    before = len(outbox())

    response = client.post(url, data={"message": "Shall we meet at my stand?"})

    assert response.status_code == 302
    [mail] = outbox()[before:]
    message = parse(mail.raw)
    assert mail.recipient == "bert@example.org" and mail.kind == "b2b.contact"
    assert message["Reply-To"].addresses[0].addr_spec == "ann@example.org"
    body = text_body(message)
    assert "Shall we meet at my stand?" in body and "vous écrit" in body  # Bert reads French


def test_contact_form_refuses_an_empty_message_and_foreign_meetings(client, met):
    ann, _bert = met
    meeting_id = get_agenda(ann)[0]["row"].id
    before = len(outbox())
    assert client.post(agenda(ann, f"/contact/{meeting_id}"), data={"message": ""}
                       ).status_code == 400
    assert client.get(agenda(ann, f"/contact/{meeting_id + 1000}")).status_code == 404
    assert client.get(f"/b2b/agenda/forged/contact/{meeting_id}").status_code == 403
    assert len(outbox()) == before
