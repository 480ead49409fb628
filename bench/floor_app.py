"""The floor of the page bench: a bare Flask app reading 50 lots with SQLAlchemy Core, one Jinja template.

bench/pages.py serves it with the repository's gunicorn.conf.py, the same workers as Kensa:

    DATABASE_URL=... gunicorn -c gunicorn.conf.py bench.floor_app:app

`GET /` selects the 50 most recently decided lots (the `decided_at` index) joined to their part and
supplier, and renders them as a table: what a list page of Kensa does at the least, without
sign-in, session, CSRF, tenancy, ORM, layout or translations.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import MetaData, Table, create_engine, select

from config import sqlalchemy_url

FLOOR_ROWS = 50
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lots</title></head>
<body><h1>Lots</h1>
<table>
<thead><tr><th>Lot</th><th>Supplier</th><th>Part</th><th>State</th><th>Decided</th></tr></thead>
<tbody>{% for r in rows %}
<tr><td><a href="/lots/{{ r.id }}">{{ r.lot_number }}</a></td><td>{{ r.code }}</td>
<td>{{ r.part_number }} {{ r.name }}</td><td>{{ r.state }}</td><td>{{ r.decided_at }}</td></tr>
{% endfor %}</tbody>
</table></body></html>"""


def create_floor_app(database_url: str) -> Flask:
    """The floor app on an existing Kensa database (its tables reflected once at start)."""
    app = Flask(__name__)
    engine = create_engine(sqlalchemy_url(database_url))
    metadata = MetaData()
    lot, part, supplier = (
        Table(name, metadata, autoload_with=engine) for name in ("lot", "part", "supplier")
    )
    query = (
        select(
            lot.c.id,
            lot.c.lot_number,
            lot.c.state,
            lot.c.decided_at,
            part.c.part_number,
            part.c.name,
            supplier.c.code,
        )
        .join(part, part.c.id == lot.c.part_id)
        .join(supplier, supplier.c.id == lot.c.supplier_id)
        .where(lot.c.decided_at.is_not(None))
        .order_by(lot.c.decided_at.desc())
        .limit(FLOOR_ROWS)
    )
    template = app.jinja_env.from_string(TEMPLATE)

    @app.get("/")
    def lots() -> str:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        return template.render(rows=rows)

    return app


app = create_floor_app(os.environ["DATABASE_URL"])
