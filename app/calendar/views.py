"""Calendar feeds (.ics subscriptions) and the pages to subscribe, renew or revoke them."""

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.access import role_required
from app.auth.models import Role
from app.calendar import services, sources
from app.events.queries import load_manage_token
from app.extensions import db, limiter
from app.invites.feeds import feed_etag, feed_last_modified
from app.invites.ics import build_feed
from app.urls import external_url
from app.web import manage_rate_limit

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

#: DTSTAMP of an empty feed, so its bytes (and ETag) never change.
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _feed_response(items, removed, *, name: str) -> Response:
    """Answer 304 when the client's copy is current, else the feed with validators."""
    etag = feed_etag(items, name=name)
    last_modified = feed_last_modified(items, removed_at=removed)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    if last_modified is not None:
        headers["Last-Modified"] = last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    # Weak comparison (RFC 9110 13.1.2): nginx turns the ETag weak when it gzips the feed.
    if request.if_none_match and request.if_none_match.contains_weak(etag.strip('"')):
        return Response(status=304, headers=headers)
    if (
        not request.if_none_match
        and last_modified is not None
        and request.if_modified_since is not None
        and last_modified <= request.if_modified_since
    ):
        return Response(status=304, headers=headers)
    body = build_feed(items, name=name, dtstamp=last_modified or EPOCH)
    return Response(
        body,
        mimetype="text/calendar",
        headers={**headers, "Content-Disposition": 'inline; filename="calendar.ics"'},
    )


def feed_urls(token: str, endpoint: str = "calendar.person_feed") -> tuple[str, str]:
    """Return the https and webcal:// addresses of a feed."""
    url = external_url(endpoint, token=token)
    return url, "webcal://" + url.split("://", 1)[1]


@bp.get("/<token>.ics")
@limiter.limit(manage_rate_limit)
def person_feed(token: str):
    """Serve a person's private calendar feed, found by its secret token."""
    person = services.get_person_by_feed_token(token)
    if person is None:
        abort(404)
    items, removed = sources.person_feed(person)
    return _feed_response(
        items, removed, name=f"{current_app.config['CLUSTER_NAME']} – {person.full_name}"
    )


@bp.get("/public.ics")
def public_feed():
    """Serve the public feed of the cluster's published events."""
    items, removed = sources.public_feed()
    return _feed_response(items, removed, name=current_app.config["CLUSTER_NAME"])


@bp.get("/organiser/<token>.ics")
def organiser_feed(token: str):
    """Serve the organisers' feed, drafts included, to the holder of a valid organiser token."""
    if services.get_organiser_by_feed_token(token) is None:
        abort(404)
    items, removed = sources.public_feed(include_drafts=True)
    return _feed_response(
        items, removed, name=_("%(name)s (organisers)", name=current_app.config["CLUSTER_NAME"])
    )


@bp.route("/subscribe/<manage_token>", methods=["GET", "POST"])
@limiter.limit(manage_rate_limit)
def subscribe(manage_token: str):
    """Let a person get, renew or revoke their feed, from a registration's personal link."""
    registration = load_manage_token(manage_token)  # a refused link raises LinkError (its own page)
    person = registration.person
    form = FlaskForm()
    new_urls = None
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            services.revoke_person_feed_token(person)
        else:
            new_urls = feed_urls(services.renew_person_feed_token(person))
        db.session.commit()
    return render_template(
        "calendar/subscribe.html",
        person=person,
        form=form,
        new_urls=new_urls,
        public_url=external_url("calendar.public_feed"),
    )


@bp.route("/organiser", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def organiser_subscribe():
    """Let an organiser create or renew the secret address of their calendar feed."""
    form = FlaskForm()
    new_urls = None
    if form.validate_on_submit():
        token = services.renew_organiser_feed_token(current_user)
        db.session.commit()
        new_urls = feed_urls(token, "calendar.organiser_feed")
    return render_template(
        "calendar/organiser.html",
        form=form,
        new_urls=new_urls,
        has_feed=current_user.feed_token_hash is not None,
    )
