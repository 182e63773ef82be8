"""signals without a spot: the kind 'spanningen' and the location methods 'gebied' and 'gemeente'

Revision ID: d0bc7e54aeda
Revises: b8d4f2e6a1c3
Create Date: 2026-12-02 02:00:00.000000

Autogenerate finds nothing here (Alembic does not compare CHECK constraints): written by hand, reviewed. Widens
ck_category_kind and ck_report_kind with 'spanningen' (issue 10 item 6) and ck_report_location_method with 'gebied'
and 'gemeente' (a signal's stand-in point: its wijk's or dorp's, or the municipality's). The categories themselves
are reference data: `flask seed` adds them.
"""

from alembic import op
import sqlalchemy as sa

from meldpunt.migrations_support import replace_check_constraint

# revision identifiers, used by Alembic.
revision = "d0bc7e54aeda"
down_revision = "b8d4f2e6a1c3"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('straatintimidatie', 'overlast', 'onveilige_plek', 'verdachte_situatie')"
NEW_KINDS = "kind IN ('straatintimidatie', 'overlast', 'onveilige_plek', 'verdachte_situatie', 'spanningen')"
OLD_METHODS = "location_method IN ('gps', 'map', 'search')"
NEW_METHODS = "location_method IN ('gps', 'map', 'search', 'gebied', 'gemeente')"


def upgrade():
    replace_check_constraint(op, "category", "kind", OLD_KINDS, NEW_KINDS)
    replace_check_constraint(op, "report", "kind", OLD_KINDS, NEW_KINDS)
    replace_check_constraint(op, "report", "location_method", OLD_METHODS, NEW_METHODS)


def downgrade():
    bind = op.get_bind()
    signals = bind.execute(
        sa.text("SELECT count(*) FROM report WHERE kind = 'spanningen' OR location_method IN ('gebied', 'gemeente')")
    ).scalar()
    if signals:
        raise RuntimeError(f"{signals} signals without a spot exist; remove them before downgrading")
    # The seeded categories of the kind go with it (no report names them, as checked above).
    bind.execute(sa.text("DELETE FROM category WHERE kind = 'spanningen'"))
    replace_check_constraint(op, "report", "location_method", NEW_METHODS, OLD_METHODS)
    replace_check_constraint(op, "report", "kind", NEW_KINDS, OLD_KINDS)
    replace_check_constraint(op, "category", "kind", NEW_KINDS, OLD_KINDS)
