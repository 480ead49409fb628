"""The migrations build the schema from empty, match the models, and have one head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from config import BASE_DIR
from tests.conftest import make_app
from tests.databases import scratch_database


def test_there_is_exactly_one_head():
    config = Config(str(BASE_DIR / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(tmp_path):
    with scratch_database(tmp_path) as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                drift = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert drift == []
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            db.engine.dispose()
