"""flask commands: seed, demo-data, areas (import, link), geo doctor, translate."""

import subprocess
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from meldpunt.extensions import db
from meldpunt.geo.models import AREA_KINDS
from meldpunt.staff.roles import ROLES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def register_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed():
        """Load boundaries and the profile's queues, categories and routing rules (idempotent)."""
        from meldpunt.profiles import current_profile
        from meldpunt.seed import seed_reference_data

        counts = seed_reference_data(current_profile())
        db.session.commit()
        click.echo("seeded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))

    @app.cli.command("demo-data")
    @click.option("--reports", "count", default=300, show_default=True, help="How many reports to make.")
    @click.option("--if-empty", is_flag=True, help="Only when the database holds no reports yet.")
    @click.option("--seed", "random_seed", type=int, default=None, help="Random seed, for repeatable data.")
    @click.option(
        "--staff-password",
        default=None,
        help="Also make demo staff accounts (demo-oov, demo-tnh, demo-boa, demo-straatcoach in Emmen, demo-analist, "
        "demo-beheer) with it.",
    )
    @click.option("--bulk", is_flag=True,
                  help="Insert in bulk (for benchmarks: 1,000,000 in minutes on PostGIS): two years of reports with "
                       "states and closing times, not through the submission path, never mailed.")  # fmt: skip
    @click.option("--history", default=0, show_default=True,
                  help="Also add this many older reports in bulk, from 2023 (the targets' baseline) up to the "
                       "live demo reports, so that trends and targets have something to compare.")  # fmt: skip
    def demo_data(count, if_empty, random_seed, staff_password, bulk, history):
        """Make realistic synthetic reports for the active profile, through the normal submission path (or --bulk)."""
        import time

        from meldpunt.profiles import current_profile
        from meldpunt.reports.demo import make_bulk_demo_reports, make_demo_reports, make_demo_staff
        from meldpunt.reports.models import Report

        if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Report)):
            click.echo("reports exist already; no demo data added")
            return
        start = time.perf_counter()
        if bulk:
            from meldpunt.geo.engine import after_bulk_load

            made = 0
            for made in make_bulk_demo_reports(current_profile(), count, seed=random_seed):
                db.session.commit()
                seconds = time.perf_counter() - start
                click.echo(f"{made} of {count} reports ({made / seconds:.0f} reports/s)")
            db.session.commit()
            after_bulk_load(db.engine, ("report", "state_change", "report_area"))
        else:
            made = make_demo_reports(current_profile(), count, seed=random_seed)
            db.session.commit()
        if history:
            from datetime import date, datetime, timedelta

            from meldpunt.db_types import utcnow

            until = utcnow() - timedelta(days=121)  # just before the live demo reports (the last 120 days)
            since = datetime.combine(date(2023, 1, 1), datetime.min.time(), until.tzinfo)
            for _made in make_bulk_demo_reports(current_profile(), history, days_back=(until - since).days,
                                                seed=random_seed, now=until):  # fmt: skip
                db.session.commit()
            click.echo(f"added {history} older demo reports in bulk (2023 until {until:%Y-%m-%d})")
        seconds = time.perf_counter() - start
        click.echo(f"made {made} demo reports" + (f" in {seconds:.1f} s ({made / seconds:.0f} reports/s)"
                                                  if bulk else ""))  # fmt: skip
        from meldpunt.events.demo import make_demo_events

        events = make_demo_events(current_profile())
        db.session.commit()
        click.echo(f"planned {events} demo events (the reports made during them carry them)")
        if staff_password:
            names = make_demo_staff(staff_password)
            db.session.commit()
            click.echo(f"demo staff accounts (password {staff_password}): {', '.join(names)}")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--name", required=True, help="Full name, shown in the history.")
    @click.option("--role", "roles", multiple=True, required=True,
                  type=click.Choice(ROLES))  # fmt: skip
    @click.option("--sees-restricted", is_flag=True,
                  help="May see restricted reports (verdachte situatie). Granted at once and audited as such: "
                       "shell access is full access already; on the web this takes two beheerders.")  # fmt: skip
    @click.option("--email", default=None, help="Work e-mail address (for early warnings to OOV).")
    @click.password_option(help="At least 12 characters and hard to guess; asked for when not given.")
    def create_user_command(username, name, roles, sees_restricted, email, password):
        """Create a staff account (beheerders set up two-step verification at first sign-in)."""
        from flask_babel import force_locale

        from meldpunt.staff.accounts import AccountError, create_user
        from meldpunt.staff.models import audit

        with force_locale("en"):
            try:
                user = create_user(username, name, list(roles), password, sees_restricted=sees_restricted,
                                   email=email)  # fmt: skip
            except AccountError as error:
                raise click.ClickException(str(error)) from None
        audit(None, "user_created", detail=f"{user.username} via CLI: {', '.join(user.roles)}")
        if sees_restricted:
            audit(None, "restricted_access_granted", detail=f"for {user.username} via CLI (shell access, one person)")
        db.session.commit()
        click.echo(f"created {user.username} ({', '.join(user.roles)})"
                   + (", with access to restricted reports" if sees_restricted else ""))  # fmt: skip

    @app.cli.command("outbox-worker")
    @click.option("--once", is_flag=True, help="Send what is due and stop (for cron or a systemd timer).")
    @click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
    def outbox_worker(once, interval):
        """Send the mails in the outbox, with retries and back-off. Safe to run several at once on PostgreSQL."""
        import time

        from meldpunt.outbox.worker import drain

        while True:
            result = drain()
            if result.sent or result.retrying or result.dead:
                click.echo(f"sent {result.sent}, retrying {result.retrying}, dead {result.dead}")
            if once:
                return
            time.sleep(interval)

    @app.cli.command("privacy-sweep")
    def privacy_sweep():
        """Apply the retention periods (idempotent; run it every hour)."""
        from meldpunt.geo.engine import purge_erased_data
        from meldpunt.privacy.retention import TABLES_ERASED_FROM, sweep

        counts = sweep()
        db.session.commit()
        click.echo("privacy sweep: " + ", ".join(f"{what} {n}" for what, n in counts.items()))
        # Also after a quiet run: withdrawals since the last sweep erased data as well.
        db.session.close()
        click.echo(purge_erased_data(db.engine, TABLES_ERASED_FROM))

    @app.cli.command("area-summaries")
    @click.option("--month", default=None, metavar="YYYY-MM", help="The month to summarise (default: the last one).")
    def area_summaries(month):
        """Mail each wijk's and dorp's "u meldde - wij deden" summary to its contacts; once per area and month."""
        from datetime import datetime

        from meldpunt.db_types import utcnow
        from meldpunt.feedback.area_summary import first_of_month, previous_month, queue_summaries
        from meldpunt.profiles import LOCAL_TZ

        this_month = first_of_month(utcnow().astimezone(LOCAL_TZ).date())
        if month:
            try:
                chosen = datetime.strptime(month, "%Y-%m").date()
            except ValueError:
                raise click.BadParameter("use YYYY-MM, for example 2026-11", param_hint="--month") from None
        else:
            chosen = previous_month(this_month)
        if chosen >= this_month:
            raise click.BadParameter("that month is not over yet", param_hint="--month")
        queued = queue_summaries(chosen)
        db.session.commit()
        for area, recipients in queued:
            click.echo(f"{area.code} {area.name}: {recipients} recipient(s)")
        click.echo(f"area summaries for {chosen:%Y-%m}: {len(queued)} area(s) queued; the outbox worker sends them")

    areas = click.Group("areas", help="Wijken, buurten, dorpen, gebieden and zones, and the reports in them.")
    app.cli.add_command(areas)

    @areas.command("import")
    @click.argument("geojson", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--kind", required=True, type=click.Choice(AREA_KINDS))
    @click.option(
        "--name-property",
        default=None,
        help="Property with the area's name (default: CBS's wijknaam/buurtnaam, else 'name').",
    )
    @click.option(
        "--code-property",
        default=None,
        help="Property with a stable code (default: CBS's wijkcode/buurtcode, else kind and name).",
    )
    @click.option(
        "--parent-property",
        default=None,
        help="Property with the code of the area it is part of (default for CBS buurten: wijkcode).",
    )
    @click.option("--srid", type=click.Choice(["4326", "28992"]), default=None,
                  help="Coordinate system when the file does not say (RD New: 28992). Default: the file's crs, "
                       "else WGS84.")  # fmt: skip
    def import_areas_command(geojson, kind, name_property, code_property, parent_property, srid):
        """Import areas from GeoJSON: the CBS wijk- en buurtkaart as published, or your own file. Only the active
        profile's municipality is kept; an existing code is updated in place; reports are linked to the areas."""
        from meldpunt.geo.areas import AreaImportError, import_areas
        from meldpunt.profiles import current_profile

        try:
            result = import_areas(geojson, kind=kind, name_property=name_property, code_property=code_property,
                                  parent_property=parent_property, srid=int(srid) if srid else None,
                                  municipality_code=current_profile().cbs_code)  # fmt: skip
        except AreaImportError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(
            f"areas of kind {kind} ({result.source}, EPSG:{result.srid}): {result.inserted} new, "
            f"{result.updated} updated; left out: {result.skipped_other_municipality} of other municipalities, "
            f"{result.skipped_water} water"
        )
        if result.removed_approximate:
            click.echo(f"removed {result.removed_approximate} approximate dorpen")
        links = result.links
        click.echo(f"report links: {links.links_added} new, {links.smallest_area_changed} reports changed area")

    @areas.command("link")
    def link_areas_command():
        """Link every report to every area that contains it (idempotent; also run by import and seed)."""
        from meldpunt.geo.areas import link_report_areas

        links = link_report_areas()
        db.session.commit()
        click.echo(f"report links: {links.links_added} new, {links.smallest_area_changed} reports changed area")

    reports = click.Group("reports", help="Reports in bulk: import, due moments.")
    app.cli.add_command(reports)

    @reports.command("import")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--skip-invalid", is_flag=True, help="Store the valid rows even when some rows are refused.")
    @click.option("--errors", "errors_file", type=click.Path(dir_okay=False, path_type=Path),
                  help="Also write the refused rows to this CSV file (row, column, value, reason).")  # fmt: skip
    @click.option("--category-map", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="A CSV with the columns old and category (the old system's names, our codes).")  # fmt: skip
    def import_reports_command(csv_file, skip_invalid, errors_file, category_map):
        """Import reports from a municipality's old system (README: the columns). All rows or none, unless
        --skip-invalid."""
        import time

        from meldpunt.profiles import current_profile
        from meldpunt.reports.importer import ImportFileError, import_reports, read_category_map, write_refused

        start = time.perf_counter()
        try:
            mapping = read_category_map(category_map) if category_map else None
            result = import_reports(csv_file, current_profile(), skip_invalid=skip_invalid, category_map=mapping)
        except ImportFileError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        except sa.exc.IntegrityError:  # a reference stored by someone else between our check and our insert
            db.session.rollback()
            raise click.ClickException(
                "nothing stored: a reference was taken meanwhile; run the import again"
            ) from None
        if result.stored:
            db.session.commit()
        else:
            db.session.rollback()
        seconds = time.perf_counter() - start
        if result.ignored_columns:
            click.echo(f"ignored column(s): {', '.join(result.ignored_columns)}")
        shown = 100
        for problem in result.refused[:shown]:
            click.echo(f"row {problem.row}, {problem.column}: {problem.reason}" +
                       (f" ({problem.value!r})" if problem.value else ""))  # fmt: skip
        if len(result.refused) > shown:
            click.echo(f"... and {len(result.refused) - shown} more problems" +
                       ("" if errors_file else " (--errors FILE writes them all)"))  # fmt: skip
        if errors_file:
            write_refused(result, errors_file)
            click.echo(f"refused rows written to {errors_file}")
        click.echo(f"read {result.rows_read} rows; refused {result.refused_rows}; stored {result.stored} reports "
                   f"in {seconds:.1f} s ({result.rows_read / max(seconds, 1e-9):.0f} rows/s)")  # fmt: skip
        valid = result.rows_read - result.refused_rows
        if result.refused and not skip_invalid:
            raise click.ClickException("nothing stored: correct the refused rows" + (
                f", or run again with --skip-invalid to store the {valid} valid rows" if valid else ""))  # fmt: skip

    @reports.command("recompute-due")
    def recompute_due():
        """Set every report's due moment from its category's term in working days (run after upgrading)."""
        from meldpunt.reports.due import recompute_due_dates

        changed = recompute_due_dates()
        db.session.commit()
        click.echo(f"due moments set: {changed} reports changed")

    analysis = click.Group("analysis", help="OOV analysis.")
    app.cli.add_command(analysis)

    @analysis.command("check-warnings")
    @click.option("--days", default=14, show_default=True, type=click.IntRange(1, 3660),
                  help="Check the reports made in this many days up to now.")  # fmt: skip
    def check_warnings(days):
        """Check recent reports against the early-warning rules, as submission does: for imported or bulk reports."""
        from datetime import timedelta

        from meldpunt.analysis.warnings import recheck
        from meldpunt.db_types import utcnow

        checked, raised = recheck(utcnow() - timedelta(days=days))
        db.session.commit()
        click.echo(f"checked {checked} reports of the last {days} days: {raised} new signals")

    geo = click.Group("geo", help="Spatial database checks.")
    app.cli.add_command(geo)

    @geo.command("doctor")
    def doctor():
        """Print the spatial extension's version, or the exact fix."""
        from meldpunt.geo.checks import spatial_status

        ok, message = spatial_status()
        click.echo(message)
        sys.exit(0 if ok else 1)

    translate = click.Group("translate", help="Babel catalogues.")
    app.cli.add_command(translate)

    def pybabel(*args):
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)

    @translate.command("update")
    def translate_update():
        """Extract messages and update every catalogue."""
        pot = str(TRANSLATIONS / "messages.pot")
        pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
                "--sort-by-file", "-o", pot, ".")  # fmt: skip
        pybabel("update", "-i", pot, "-d", str(TRANSLATIONS), "--no-fuzzy-matching")

    @translate.command("compile")
    def translate_compile():
        """Compile the catalogues (.mo files are build output, not committed)."""
        pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
