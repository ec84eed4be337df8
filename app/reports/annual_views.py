"""The annual report pages: the web page, its PDF, its infographic, the organisers' texts."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.cluster import services
from app.extensions import db
from app.i18n import current_language, in_language
from app.reports import annual, dashboard, infographic, plan
from app.reports.blueprint import organiser_page
from app.reports.formatting import format_number, format_percent_value
from app.reports.working_groups import attendance as working_group_attendance
from app.web import query_choice

LANGUAGES = ("fr", "nl", "en")


def _texts_form(year: int):
    class TextsForm(FlaskForm):
        pass

    for key, title in annual.SECTIONS.items():
        setattr(TextsForm, key, TextAreaField(title, validators=[Optional(), Length(max=10000)]))
    return TextsForm(data=annual.texts(year))


def _year(year: int) -> int:
    if not 1900 <= year <= 2200:
        abort(404)
    return year


def _report_context(year: int) -> dict:
    figures, sections = annual.annual_report(year)
    lines = plan.against_plan(year, figures.plan_actuals())
    # The number formats too: the PDF's HTML is also rendered outside the blueprint's pages.
    return {"year": year, "sections": sections, "lines": lines,
            "charts": dashboard.build_charts(figures, lines), "fmt_number": format_number,
            "fmt_percent": format_percent_value}


@organiser_page("/annual/<int:year>", methods=["GET", "POST"])
def annual_report(year: int):
    """Show the year's report in a language, and let organisers write each section's text."""
    year = _year(year)
    lang = query_choice("lang", LANGUAGES) or current_language()
    form = _texts_form(year)
    if form.validate_on_submit():
        services.set_report_texts(year, {key: form[key].data for key in annual.SECTIONS})
        db.session.commit()
        flash(_("The report's texts are saved."), "success")
        return redirect(url_for(".annual_report", year=year, lang=lang))
    with in_language(lang):
        page = render_template("reports/annual.html", form=form, lang=lang,
                               languages=LANGUAGES, **_report_context(year))
    return page, 400 if request.method == "POST" else 200


@organiser_page("/annual/<int:year>.pdf")
def annual_report_pdf(year: int):
    """Return the year's report as a PDF, with its charts, in a language."""
    from app.b2b.pdf import to_pdf

    year = _year(year)
    lang = query_choice("lang", LANGUAGES) or current_language()
    with in_language(lang):
        html = render_template("reports/annual_pdf.html", lang=lang, **_report_context(year))
    return Response(to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="annual-report-{year}-{lang}.pdf"'})


def _infographic_svg(year: int, lang: str) -> str:
    with in_language(lang):
        return render_template(
            "reports/infographic.svg", tiles=infographic.tiles(year),
            title=_("The cluster in %(year)d", year=year),
            subtitle=_("Key numbers of the year"),
            footer=_("Annual report %(year)d", year=year))


@organiser_page("/annual/<int:year>/infographic.svg")
def infographic_svg(year: int):
    """Return the year's key numbers as a one-page SVG, in a language."""
    year = _year(year)
    lang = query_choice("lang", LANGUAGES) or current_language()
    return Response(_infographic_svg(year, lang), mimetype="image/svg+xml", headers={
        "Content-Disposition": f'inline; filename="infographic-{year}-{lang}.svg"'})


@organiser_page("/annual/<int:year>/infographic.pdf")
def infographic_pdf(year: int):
    """Return the year's key numbers as a one-page PDF, in a language."""
    from app.b2b.pdf import to_pdf

    year = _year(year)
    lang = query_choice("lang", LANGUAGES) or current_language()
    svg = _infographic_svg(year, lang)
    html = render_template("reports/infographic_pdf.html", lang=lang, year=year, svg=Markup(svg))
    return Response(to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="infographic-{year}-{lang}.pdf"'})


@organiser_page("/working-groups/<int:year>")
def working_groups(year: int):
    """List the year's working groups with who came to each meeting."""
    year = _year(year)
    return render_template("reports/working_groups.html", year=year, lang=current_language(),
                           groups=working_group_attendance(year))
