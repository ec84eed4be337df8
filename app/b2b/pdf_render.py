"""Turn printable HTML pages into one PDF: big bundles in parallel processes, joined by pypdf.

WeasyPrint is pure Python (one core per document) and costs about 0.03 s of CPU a page, so a
bundle of 200 agendas is cut into chunks of pages rendered by a small pool of processes. The
processes are forked once WeasyPrint, Pango and the fonts are loaded (that takes seconds) and
get plain HTML strings: they never touch the database or the app.
"""

from __future__ import annotations

import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from flask import current_app, render_template
from markupsafe import Markup

#: Pages per chunk; a document of this many pages or fewer is rendered in this process.
CHUNK_PAGES = 25
#: Processes rendering chunks (PDF_PROCESSES overrides it; 1 renders everything here).
PROCESSES = 2


def document_html(pages: list[str], title: str) -> str:
    """Return one HTML document holding these pages (HTML from our own templates)."""
    return render_template("b2b/schedule/pdf_document.html", title=title,
                           pages=[Markup(page) for page in pages])  # noqa: S704


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes with WeasyPrint (no network: inline styles only)."""
    import weasyprint  # slow import (seconds, Pango): only when a PDF is asked for

    return weasyprint.HTML(string=html).write_pdf()


def join_pdfs(parts: list[bytes], title: str) -> bytes:
    """Return one PDF holding every page of these PDFs, in order."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pages_to_pdf(pages: list[str], title: str, *, chunk_pages: int | None = None,
                 processes: int | None = None) -> bytes:
    """Return these pages as one PDF, rendered in chunks by parallel processes when many."""
    config = current_app.config
    chunk_pages = chunk_pages or config.get("PDF_CHUNK_PAGES", CHUNK_PAGES)
    processes = processes or config.get("PDF_PROCESSES", PROCESSES)
    if processes < 2 or len(pages) <= chunk_pages:
        return html_to_pdf(document_html(pages, title))
    documents = [document_html(pages[start:start + chunk_pages], title)
                 for start in range(0, len(pages), chunk_pages)]
    # A first small document loads WeasyPrint, Pango and the fonts before the fork: each
    # process inherits them instead of loading them again.
    html_to_pdf(document_html(pages[:1], title))
    # Fork, not spawn: a spawned process would load all of that again (seconds each).
    with ProcessPoolExecutor(max_workers=min(processes, len(documents)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(html_to_pdf, documents))
    return join_pdfs(parts, title)
