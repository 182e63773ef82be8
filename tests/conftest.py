"""Fixtures. Every test that touches the database runs twice: on SpatiaLite and on PostGIS.

Each backend's schema is made once per session with the real migrations (`flask db upgrade`) and the seed
command; each test then gets its own copy (a file copy for SpatiaLite, CREATE DATABASE ... TEMPLATE for PostGIS),
so tests commit freely and never see each other's data."""

import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("spatialite", "postgis")
SHARED_DATA = ROOT.parent / "shared" / "data"

pytest_plugins = [
    "tests.fixtures.reports",
    "tests.fixtures.browser",
    "tests.fixtures.staff",
    "tests.fixtures.smtp",
    "tests.fixtures.axe",
]


def pytest_addoption(parser):
    parser.addoption(
        "--require-all-backends", action="store_true", help="fail instead of skip when a backend is missing"
    )
    parser.addoption("--postgis-url", default=None, help="admin URL of a PostgreSQL server with PostGIS installed")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("only_backends")
        names = [b for b in BACKENDS if marker is None or b in marker.args]
        metafunc.parametrize("backend", names, indirect=True)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "compile",
            "-d",
            str(ROOT / "meldpunt" / "translations"),
        ],
        check=True,
        capture_output=True,
    )


def _postgis_admin_url(config) -> str:
    return (
        config.getoption("--postgis-url")
        or os.environ.get("MELDPUNT_TEST_POSTGIS_URL")
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    )


def _admin_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def _unavailable(request, what: str):
    if request.config.getoption("--require-all-backends"):
        pytest.fail(f"{what} is required (--require-all-backends) but not available")
    pytest.skip(f"{what} not available")


def _build_schema(url: str) -> None:
    """The real path: migrations, then the seed command."""
    from flask_migrate import upgrade

    from meldpunt import create_app
    from meldpunt.extensions import db
    from meldpunt.profiles import current_profile
    from meldpunt.seed import seed_reference_data

    app = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        seed_reference_data(current_profile())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def spatialite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("spatialite") / "template.sqlite"
    _build_schema(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgis_template(request):
    admin = _postgis_admin_url(request.config)
    name = f"meldpunt_tpl_{os.getpid()}"
    try:
        conn = psycopg.connect(_admin_conninfo(admin), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError:
        _unavailable(request, "PostgreSQL")
    with conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone():
            _unavailable(request, "PostGIS (postgresql-15-postgis-3)")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    _build_schema(_with_database(admin, name))
    yield admin, name
    with psycopg.connect(_admin_conninfo(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backend(request):
    return request.param


@contextmanager
def _database_copy(backend, request, directory):
    """A fresh copy of the migrated, seeded schema: its URL, dropped afterwards."""
    if backend == "spatialite":
        template = request.getfixturevalue("spatialite_template")
        copy = directory / f"meldpunt-{uuid.uuid4().hex[:8]}.sqlite"
        shutil.copyfile(template, copy)
        yield f"sqlite:///{copy}"
        return
    admin, template = request.getfixturevalue("postgis_template")
    name = f"meldpunt_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(admin), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _with_database(admin, name)
    with psycopg.connect(_admin_conninfo(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(backend, request, tmp_path):
    with _database_copy(backend, request, tmp_path) as url:
        yield url


@pytest.fixture
def second_database_url(backend, request, tmp_path):
    """Another database on the same backend (a read replica, in tests/web/test_read_replica.py)."""
    with _database_copy(backend, request, tmp_path) as url:
        yield url


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on this test's database; extra settings as keyword arguments."""
    from meldpunt import create_app

    made = []

    def factory(**overrides):
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                    "DRAFT_FOLDER": str(tmp_path / "drafts")}  # fmt: skip
        settings.update(overrides)
        app = create_app("config.TestConfig", **settings)
        made.append(app)
        return app

    yield factory
    from meldpunt.extensions import db

    for app in made:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def app_settings():
    """Extra settings for the `app` fixture; override it in a module or fixture to change them."""
    return {}


@pytest.fixture
def app(make_app, app_settings):
    app = make_app(**app_settings)
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
