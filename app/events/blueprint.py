"""The events blueprint, shared by the public and the organisers' pages."""

from flask import Blueprint

bp = Blueprint("events", __name__)
