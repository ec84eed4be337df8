"""Clustermeet: the application factory."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ProductionConfig, config_from_env, count


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    """Build the Flask application with its extensions, blueprints and commands."""
    config_class = config_class or config_from_env()
    app = Flask(__name__, instance_relative_config=True)
    _guard_inputs(app)
    app.config.from_object(config_class)
    app.config.update(overrides)
    if issubclass(config_class, ProductionConfig):
        # The settings in force, overrides included, are what must be safe.
        ProductionConfig.check(app.config)
    proxies = count(app.config, "TRUSTED_PROXIES")
    if proxies:
        # Believe X-Forwarded-For/-Proto only as set by our own proxies: the client address
        # (which rate limits count against) is the one the outermost trusted proxy saw.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers queue on SQLite's single lock (seat-taking uses it); wait, don't fail.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    # Imports inside the factory: every app module imports this package first, so importing
    # the blueprints at module level would run before the modules they need exist (a cycle).
    from app import i18n, logs, web
    from app.db import tune_sqlite
    from app.dropped_connections import replace_dropped_connections
    from app.extensions import bootstrap, csrf, db, init_limiter, login_manager, migrate
    from app.forms import read_wtforms_messages_once, show_length_limits
    from app.session_cookie import KeptSerializerSessionInterface

    app.session_interface = KeptSerializerSessionInterface()
    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine, app.config["SQLITE_SYNCHRONOUS"])
        replace_dropped_connections(db.engine)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    # First of the before-request hooks: a request the CSRF check or the rate limit refuses
    # in its own hook still gets its id and its duration on the log line.
    logs.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    init_limiter(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    show_length_limits()
    read_wtforms_messages_once()

    _import_models()
    _connect_receivers()
    _register_blueprints(app)
    _register_commands(app)
    return app


def _guard_inputs(app: Flask) -> None:
    """Bound `<int:...>` URL parts to the database's integers and clean query and form text."""
    from app.web import BoundedIntConverter, CleanRequest

    # Before any route is added: every `<int:...>` rule then uses the bounded converter.
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = CleanRequest


def _import_models() -> None:
    """Import every models module so the metadata (and Alembic) knows all tables."""
    import app.audit.models
    import app.auth.models
    import app.b2b.models
    import app.cluster.models
    import app.events.models
    import app.jobs.models
    import app.mail.models
    import app.members.models
    import app.privacy.notice
    import app.privacy.preferences  # noqa: F401


def _connect_receivers() -> None:
    """Subscribe higher packages to the signals lower ones send (see app/signals.py)."""
    import app.b2b.receivers  # noqa: F401


def _import_job_handlers() -> None:
    """Import the modules whose @job handlers the worker runs (jobs knows no feature package)."""
    import app.b2b.jobs  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.auth.views import bp as auth_bp
    from app.auth.views import users_bp
    from app.b2b.views import bp as b2b_bp
    from app.calendar.views import bp as calendar_bp
    from app.cluster.views import bp as cluster_bp
    from app.events.views import bp as events_bp
    from app.main.health import bp as health_bp
    from app.main.outbox_views import bp as outbox_bp
    from app.main.views import bp as main_bp
    from app.members.views import bp as members_bp
    from app.personal_data.views import bp as privacy_data_bp
    from app.privacy.views import bp as privacy_bp
    from app.reports import annual_views, views  # noqa: F401  (their pages join the blueprint)
    from app.reports.blueprint import bp as reports_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(b2b_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(cluster_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(privacy_data_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(health_bp)


def _register_commands(app: Flask) -> None:
    from app.auth.cli import users_cli
    from app.b2b.cli import b2b_cli
    from app.backup.cli import backup_cli
    from app.events.cli import events_cli
    from app.jobs import cli as jobs_cli
    from app.personal_data.cli import privacy_cli
    from app.seed.cli import seed_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(b2b_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(backup_cli)
    jobs_cli.init_app(app)  # flask worker, flask mail ...
