"""Paging through the staff queue by keyset (a link carries a row's sort keys, never an offset), and its counts
per state: exact from queue_count without filters or with a kind or category, else each bounded (QUEUE_COUNT_LIMIT;
small here)."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import make_bulk_demo_reports
from meldpunt.reports.models import Category, Queue, Report

COUNT_LIMIT = 40
PER_PAGE = 25


@pytest.fixture
def app_settings():
    return {"QUEUE_COUNT_LIMIT": COUNT_LIMIT}


@pytest.fixture
def tnh_reports(app):
    """Bulk demo reports (every state, two years); some share their moment of creation with another, so that
    paging must tell them apart by id."""
    # 240: which queue a demo report lands in depends on the time of day the test runs (the field team's service
    # hours), and the TNH queue needs more than three pages at any hour (160 gave 70 at night).
    for _made in make_bulk_demo_reports(PROFILES["emmen"], 240, seed=5):
        db.session.commit()
    queue = db.session.scalar(sa.select(Queue).where(Queue.code == "TNH"))
    ids = list(db.session.scalars(sa.select(Report.id).where(Report.queue_id == queue.id).order_by(Report.id)))
    moment = utcnow() - timedelta(days=3)
    for twins in (ids[0:4], ids[10:12], ids[30:33]):
        db.session.execute(sa.update(Report).where(Report.id.in_(twins)).values(created_at=moment))
        moment -= timedelta(days=40)
    db.session.commit()
    return queue


def _visible_reports(queue) -> list[Report]:
    return list(db.session.scalars(
        sa.select(Report).join(Category).where(Report.queue_id == queue.id, Category.restricted.is_(False))
    ))  # fmt: skip


def _in_order(reports, sort):
    def moment(r):
        return r.created_at.timestamp()

    keys = {
        "newest": lambda r: (-moment(r), -r.id),
        "oldest": lambda r: (moment(r), r.id),
        "state": lambda r: (r.state, moment(r), r.id),
    }
    return [r.id for r in sorted(reports, key=keys[sort])]


def _ids(page) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/medewerkers/meldingen/(\d+)', page)]


def _link(page, rel) -> str | None:
    found = re.search(rf'<a href="(\?[^"]*)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def _named_link(page, text) -> str | None:
    found = re.search(rf'<a href="(\?[^"]*)">{text}</a>', page)
    return html.unescape(found.group(1)) if found else None


def _walk(client, query, rel) -> list[list[int]]:
    """The pages from `query` on, following the links with rel (next or prev) to the end."""
    pages = []
    while query is not None:
        response = client.get("/medewerkers/wachtrij/TNH" + query)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        pages.append(_ids(page))
        query = _link(page, rel)
        assert len(pages) < 20, "paging does not end"
    return pages


def _check_walks(client, query, expected):
    forward = _walk(client, query, "next")
    assert sum(forward, []) == expected  # every report once, in order
    assert all(len(p) == PER_PAGE for p in forward[:-1])
    first = client.get("/medewerkers/wachtrij/TNH" + query).get_data(as_text=True)
    assert _link(first, "prev") is None and _named_link(first, "Eerste pagina") is None
    last_query = _named_link(first, "Laatste pagina")
    if len(expected) <= PER_PAGE:
        assert last_query is None and _link(first, "next") is None
        return
    backward = _walk(client, last_query, "prev")
    assert backward[0] == expected[-PER_PAGE:]  # the last page is the last reports, full
    assert backward[-1] == expected[:PER_PAGE]  # and going back ends on the first page, full
    for ids in backward:  # each page a run of the list, in its order
        start = expected.index(ids[0])
        assert ids == expected[start : start + len(ids)]
    assert set(sum(backward, [])) == set(expected)
    last = client.get("/medewerkers/wachtrij/TNH" + last_query).get_data(as_text=True)
    assert _link(last, "next") is None and _named_link(last, "Laatste pagina") is None
    assert _named_link(last, "Eerste pagina") == query


@pytest.mark.parametrize("sort", ["newest", "oldest", "state"])
def test_paging_walks_the_whole_list_both_ways_in_every_sort(client, staff, login, tnh_reports, sort):
    login(client, staff["tnh"])
    expected = _in_order(_visible_reports(tnh_reports), sort)
    assert len(expected) > 3 * PER_PAGE
    query = "?state=alle" + ("" if sort == "newest" else f"&sort={sort}")
    _check_walks(client, query, expected)


def test_paging_keeps_the_filters(client, staff, login, tnh_reports):
    login(client, staff["tnh"])
    reports = _visible_reports(tnh_reports)
    closed = [r for r in reports if r.state == "afgehandeld"]
    assert len(closed) > PER_PAGE
    _check_walks(client, "?state=afgehandeld&sort=oldest", _in_order(closed, "oldest"))
    overdue = [r for r in reports if r.is_overdue()]
    assert overdue
    _check_walks(client, "?state=open&overdue=1", _in_order(overdue, "newest"))


def test_previous_and_next_report_follow_the_sorted_list(client, staff, login, tnh_reports):
    login(client, staff["tnh"])
    expected = _in_order(_visible_reports(tnh_reports), "state")
    for i in (0, 1, 2, 40, len(expected) - 1):
        page = client.get(f"/medewerkers/meldingen/{expected[i]}?terug=state%3Dalle%26sort%3Dstate").get_data(
            as_text=True
        )
        previous = re.search(r'href="/medewerkers/meldingen/(\d+)[^"]*" rel="prev"', page)
        following = re.search(r'href="/medewerkers/meldingen/(\d+)[^"]*" rel="next"', page)
        assert (int(previous.group(1)) if previous else None) == (expected[i - 1] if i else None)
        assert (int(following.group(1)) if following else None) == (expected[i + 1] if i + 1 < len(expected) else None)


def test_an_old_numbered_page_link_opens_the_first_page_of_its_filters(client, staff, login, tnh_reports):
    login(client, staff["tnh"])
    response = client.get("/medewerkers/wachtrij/TNH?state=afgehandeld&sort=oldest&page=3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/medewerkers/wachtrij/TNH?state=afgehandeld&sort=oldest"


def test_a_position_that_is_not_one_opens_the_first_page(client, staff, login, tnh_reports):
    login(client, staff["tnh"])
    first = _ids(client.get("/medewerkers/wachtrij/TNH?state=alle").get_data(as_text=True))
    for junk in ("x", "2026-13-01T00:00:00~1", "~", "nieuw~5", "2026-01-01T00:00:00~99999999999"):
        response = client.get("/medewerkers/wachtrij/TNH", query_string={"state": "alle", "after": junk})
        assert response.status_code == 200 and _ids(response.get_data(as_text=True)) == first


def test_counts_per_state_are_exact_without_filters_and_with_a_category(client, staff, login, tnh_reports):
    """Read from queue_count (kept by the database's triggers), so no limit applies."""
    login(client, staff["tnh"])
    reports = _visible_reports(tnh_reports)
    per_state = {s: sum(1 for r in reports if r.state == s) for s in {r.state for r in reports}}
    assert per_state["afgehandeld"] > COUNT_LIMIT
    page = client.get("/medewerkers/wachtrij/TNH?state=alle").get_data(as_text=True)
    assert f"Afgehandeld: <strong>{per_state['afgehandeld']}</strong>" in page
    assert f">{len(reports)} meldingen<" in page and "Meer dan" not in page
    category = max({r.category for r in reports}, key=lambda c: sum(1 for r in reports if r.category_id == c.id))
    closed = sum(1 for r in reports if r.category_id == category.id and r.state == "afgehandeld")
    one = client.get(f"/medewerkers/wachtrij/TNH?state=alle&category={category.code}").get_data(as_text=True)
    assert f"Afgehandeld: <strong>{closed}</strong>" in one


def test_counts_per_state_with_other_filters_stop_at_the_limit_and_say_more_than(client, staff, login, tnh_reports):
    login(client, staff["tnh"])
    reports = [r for r in _visible_reports(tnh_reports) if r.assigned_to_id is None]
    per_state = {s: sum(1 for r in reports if r.state == s) for s in {r.state for r in reports}}
    assert per_state["afgehandeld"] > COUNT_LIMIT and 0 < per_state["geannuleerd"] <= COUNT_LIMIT
    page = client.get("/medewerkers/wachtrij/TNH?state=alle&assignee=geen").get_data(as_text=True)
    assert f"Afgehandeld: <strong>meer dan {COUNT_LIMIT}</strong>" in page
    assert f"Geannuleerd: <strong>{per_state['geannuleerd']}</strong>" in page
    shown = sum(min(n, COUNT_LIMIT) for n in per_state.values())
    assert f"Meer dan {shown} meldingen" in page
    cancelled = client.get("/medewerkers/wachtrij/TNH?state=geannuleerd&assignee=geen").get_data(as_text=True)
    assert f">{per_state['geannuleerd']} melding" in cancelled and "Meer dan" not in cancelled
