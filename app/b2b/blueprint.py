"""The B2B blueprint, shared by set-up, participant, scheduling and publication pages."""

from flask import Blueprint

bp = Blueprint("b2b", __name__)
