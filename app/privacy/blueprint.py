"""The privacy blueprint: the public notice, mail preferences, one-click unsubscribe.

Other privacy pages (a person's data, erasure) register their routes on this same ``bp``.
"""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
