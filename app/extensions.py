"""Flask extensions, created unbound and bound in create_app."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address)


def init_limiter(app) -> None:
    """Give `app` the limiter with its own storage, live until that storage fails.

    The limiter is one object per process, and Flask-Limiter keeps "the storage is dead, use
    the in-memory fallback" on it across ``init_app``. A process that builds a second app (the
    tests, a CLI command inside a worker) would then count in the old fallback and switch back
    to the new storage mid-way when its periodic check succeeds, losing the counts.
    """
    limiter.init_app(app)
    limiter._storage_dead = False  # the new storage has not failed yet

