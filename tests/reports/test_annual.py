"""The annual report: sections with the previous year, organisers' texts escaped, the PDF."""

from app.cluster.models import ReportText
from tests.reports.builders import build_2025

URL = "/admin/reports/annual/2025"


def test_report_in_french_with_the_previous_year(logged_in, db):
    build_2025()
    db.session.commit()
    response = logged_in.get(f"{URL}?lang=fr")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for title in ("Gouvernance", "Groupes de travail", "Suivi des membres", "Événements", "B2B",
                  "Communication", "Équipe"):
        assert title in page, title
    assert "<th scope=\"col\">2024</th>" in page
    assert "50\u00a0%" in page  # participation rate


def test_texts_are_saved_and_escaped_in_the_page_and_the_pdf_source(logged_in, db, app):
    response = logged_in.post(f"{URL}?lang=en", data={
        "governance": "<script>alert(1)</script>\n\nSecond paragraph", "team": "2.5 people"})
    assert response.status_code == 302
    assert {t.section for t in db.session.query(ReportText)} == {"governance", "team"}
    page = logged_in.get(f"{URL}?lang=en").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    from flask import render_template

    from app.reports.annual_views import _report_context
    with app.test_request_context():
        html = render_template("reports/annual_pdf.html", lang="en", **_report_context(2025))
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert html.count("<svg") == 8 and html.count("<style>") >= 8


def test_a_year_without_data_renders_and_the_pdf_is_made(logged_in, db):
    assert logged_in.get("/admin/reports/annual/1990").status_code == 200
    assert logged_in.get("/admin/reports/annual/99999").status_code == 404
    response = logged_in.get("/admin/reports/annual/1990.pdf?lang=nl")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
