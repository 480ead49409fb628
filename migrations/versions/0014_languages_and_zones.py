"""Five languages and time zones: a site's IANA zone (new users start in it); Chinese is zh_Hans

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# app.timezones.COUNTRY_ZONES as it was when this migration was written.
COUNTRY_ZONES = {
    "TH": "Asia/Bangkok",
    "CN": "Asia/Shanghai",
    "VN": "Asia/Ho_Chi_Minh",
    "JP": "Asia/Tokyo",
    "MY": "Asia/Kuala_Lumpur",
    "IN": "Asia/Kolkata",
    "TW": "Asia/Taipei",
    "KR": "Asia/Seoul",
    "ID": "Asia/Jakarta",
    "PH": "Asia/Manila",
    "MX": "America/Mexico_City",
    "DE": "Europe/Berlin",
    "US": "America/New_York",
}


def upgrade():
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=50), nullable=False, server_default="UTC"))
    site = sa.table("site", sa.column("country", sa.String), sa.column("timezone", sa.String))
    for country, zone in COUNTRY_ZONES.items():
        op.execute(site.update().where(site.c.country == country).values(timezone=zone))
    op.execute("UPDATE supplier SET default_language = 'zh_Hans' WHERE default_language = 'zh'")
    op.execute("UPDATE \"user\" SET locale = 'zh_Hans' WHERE locale = 'zh'")


def downgrade():
    op.execute("UPDATE \"user\" SET locale = 'zh' WHERE locale = 'zh_Hans'")
    op.execute("UPDATE supplier SET default_language = 'zh' WHERE default_language = 'zh_Hans'")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("timezone")
