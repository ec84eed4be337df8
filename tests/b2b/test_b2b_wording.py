"""B2B wording in every language: the first agenda mail, plurals, numbers."""

import re

from flask_babel import refresh
from sqlalchemy import select

from app.b2b import publication
from app.mail.models import OutboxMessage
from tests.factories import make_run, make_schedule_session, participants_of


def test_first_agenda_mail_calls_itself_the_agenda_not_a_change(db):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()

    publication.publish_run(run)

    agendas = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "b2b.schedule_agenda")))
    assert len(agendas) == len(participants_of(session))
    subjects = {m.recipient: m.subject for m in agendas}
    ann, bert = participants_of(session)[:2]  # Ann writes in English, Bert in French
    assert subjects[ann.person.email].startswith("Your B2B agenda")
    assert subjects[bert.person.email].startswith("Votre agenda B2B")
    for message in agendas:
        assert not re.search(r"chang|gewijzigd", message.subject + message.raw.decode(
            errors="replace"), re.I)


def test_a_count_of_one_is_singular_in_french(logged_in, db):
    session = make_schedule_session(people=4)
    p = participants_of(session)
    published = make_run(session, meetings=((0, 1, 0, 0), (2, 3, 0, 1)))
    publication.publish_run(published)
    run = make_run(session, meetings=((0, 1, 0, 0), (2, 3, 1, 1)), locked=(0,))
    db.session.commit()
    logged_in.get("/lang/fr")
    refresh()

    grid = logged_in.get(f"/b2b/runs/{run.id}/grid").get_data(as_text=True)

    assert "1 verrouillé" in grid and "1 verrouillés" not in grid
    assert "1 déplacé depuis la publication" in grid
    assert p[0].person.full_name in grid
    logged_in.get("/lang/en")
    refresh()


def test_french_decimals_use_a_comma(logged_in, db):
    session = make_schedule_session()
    run = make_run(session)
    run.stats = {"value": 145.31, "meetings": 3, "breaks": 1, "solve_seconds": 1.5}
    run.best_value, run.bound = 145.31, 150.0
    db.session.commit()
    logged_in.get("/lang/fr")
    refresh()

    runs_page = logged_in.get(f"/b2b/sessions/{session.id}/runs").get_data(as_text=True)
    grid = logged_in.get(f"/b2b/runs/{run.id}/grid").get_data(as_text=True)

    assert "145,31" in runs_page and "145.31" not in runs_page
    assert "<td>1,5</td>" in runs_page
    assert "Valeur\u00a0: 145,31" in grid and "1 temps mort" in grid
    logged_in.get("/lang/en")
    refresh()
