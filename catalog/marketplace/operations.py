"""Write operations of the marketplace. They flush; the caller (request or command) commits."""

from collections.abc import Callable
from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.cache import bump_version
from catalog.marketplace.history import changed_fields
from catalog.marketplace.history import snapshot
from catalog.marketplace.identifiers import name_key
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import OperatorCoverage
from catalog.marketplace.models import SupportTerms
from catalog.marketplace.models import TermsVersion
from catalog.marketplace.models import Vendor
from catalog.search.indexing import events as outbox

CHUNK = 500
APP_FIELDS = ("name", "summary", "description", "version", "homepage", "published")


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    """Split a list into pieces small enough for one IN (…) clause."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ensure_named(model, wanted: dict[str, dict]) -> dict[str, int]:
    """Ids of vendors or categories by slug, creating the missing ones."""
    ids = dict(
        db.session.execute(select(model.slug, model.id).where(model.slug.in_(list(wanted)))).all()
    )
    missing = [wanted[slug] for slug in wanted if slug not in ids]
    for item in missing:
        row = model(slug=item["slug"], name=item["name"])
        if model is Vendor:
            row.website = item.get("website")
        db.session.add(row)
    db.session.flush()
    if missing:
        ids.update(
            db.session.execute(
                select(model.slug, model.id).where(model.slug.in_([m["slug"] for m in missing]))
            ).all()
        )
    return ids


def _existing(column_key, column_value, keys: list) -> dict:
    """Map key → value for rows whose key is in ``keys``, queried in chunks."""
    found = {}
    for chunk in _chunks(keys):
        found.update(
            db.session.execute(select(column_key, column_value).where(column_key.in_(chunk))).all()
        )
    return found


def _current(model, key_column, keys: list) -> dict:
    """Whole rows (as mappings) of ``model`` by key, queried in chunks."""
    rows = {}
    for chunk in _chunks(keys):
        statement = select(model.__table__).where(key_column.in_(chunk))
        for row in db.session.execute(statement).mappings():
            rows[row[key_column.key]] = row
    return rows


def _differs(row, values: dict) -> bool:
    """Whether writing ``values`` would change ``row``."""
    return any(row[key] != value for key, value in values.items())


def _write(model, inserts: list[dict], updates: list[dict], progress=lambda n: None) -> None:
    """Bulk insert and bulk update (by primary key) in chunks."""
    for chunk in _chunks(inserts):
        db.session.execute(insert(model), chunk)
        progress(len(chunk))
    for chunk in _chunks(updates):
        db.session.execute(update(model), chunk)
        progress(len(chunk))


def existing_slugs(slugs: list[str]) -> set[str]:
    """Which of these app slugs the database already holds."""
    return set(_existing(App.slug, App.id, slugs))


def name_clashes(records: list[dict]) -> list[tuple[dict, str]]:
    """Records whose name another app already carries (by ``name_key``), with that app's slug.

    An app of the same file that changes its own name frees its old one, so renames within one
    import never clash with themselves.
    """
    new_keys = {r["slug"]: name_key(r["name"]) for r in records}
    by_key = {name_key(r["name"]): r for r in records}
    clashes = []
    for chunk in _chunks(list(by_key)):
        statement = select(App.name_key, App.slug).where(App.name_key.in_(chunk))
        for key, slug in db.session.execute(statement):
            record = by_key[key]
            if slug != record["slug"] and new_keys.get(slug, key) == key:
                clashes.append((record, slug))
    return clashes


def import_apps(
    records: list[dict], progress: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Insert or update apps by slug with their terms and coverage; return counts.

    Unchanged records write nothing, so importing the same file twice leaves the database as
    the first import left it.
    """
    vendor_ids = _ensure_named(Vendor, {r["vendor"]["slug"]: r["vendor"] for r in records})
    category_ids = _ensure_named(Category, {r["category"]["slug"]: r["category"] for r in records})
    current = _current(App, App.slug, [r["slug"] for r in records])
    now = utcnow()
    new, changed, unchanged = [], [], 0
    for r in records:
        values = {field: r[field] for field in APP_FIELDS}
        values.update(
            name_key=name_key(r["name"]),
            vendor_id=vendor_ids[r["vendor"]["slug"]],
            category_id=category_ids[r["category"]["slug"]],
        )
        if r["updated_at"] is not None:
            values["updated_at"] = r["updated_at"]
        row = current.get(r["slug"])
        if row is None:
            new.append({"slug": r["slug"], "created_at": now, "updated_at": now, **values})
        elif _differs(row, values):
            changed.append({"id": row["id"], "updated_at": now, **values})
        else:
            unchanged += 1
    _free_changing_names(changed, current)
    _write(App, new, changed, progress)
    progress(unchanged)
    app_ids = _existing(App.slug, App.id, [r["slug"] for r in records])
    before = _snapshots(list(app_ids.values()))
    _upsert_children(
        SupportTerms, {app_ids[r["slug"]]: r["terms"] for r in records}, now, "updated_at"
    )
    coverage = {app_ids[r["slug"]]: r["coverage"] for r in records if r["coverage"] is not None}
    _upsert_children(OperatorCoverage, coverage, now, "decided_at")
    _record_import_versions(before, _snapshots(list(app_ids.values())), now)
    if new or changed:
        bump_version(db.session)
        touched = [app_ids[row["slug"]] for row in new] + [row["id"] for row in changed]
        outbox.record(db.session, {f"app:{app_id}" for app_id in touched})
    return {"created": len(new), "updated": len(changed), "unchanged": unchanged}


def _free_changing_names(changed: list[dict], current: dict) -> None:
    """Park the old name keys of renamed apps first, so names swapped within one import (or
    passed along a chain) never meet their old holder under the unique constraint."""
    old_keys = {row["id"]: row["name_key"] for row in current.values()}
    parked = [
        {"id": row["id"], "name_key": f"\t{row['id']}"}  # a tab never survives name_key()
        for row in changed
        if row["name_key"] != old_keys[row["id"]]
    ]
    _write(App, [], parked)


def _upsert_children(model, by_app: dict[int, dict], now, stamp: str) -> None:
    """Insert or update the one-per-app rows of ``model``; stamp only rows that change."""
    current = _current(model, model.app_id, list(by_app))
    inserts, updates = [], []
    for app_id, values in by_app.items():
        row = current.get(app_id)
        if row is None:
            inserts.append({"app_id": app_id, stamp: now, **values})
        elif _differs(row, values):
            updates.append({"id": row["id"], stamp: now, **values})
    _write(model, inserts, updates)
    if inserts or updates:
        bump_version(db.session)


def _snapshots(app_ids: list[int]) -> dict[int, dict]:
    """The terms-and-coverage snapshot of each app, read in chunks."""
    terms = _current(SupportTerms, SupportTerms.app_id, app_ids)
    coverage = _current(OperatorCoverage, OperatorCoverage.app_id, app_ids)
    return {app_id: snapshot(terms.get(app_id), coverage.get(app_id)) for app_id in app_ids}


def _versioned(app_ids: list[int]) -> set[int]:
    """The apps among ``app_ids`` that already have a recorded version."""
    found = set()
    for chunk in _chunks(app_ids):
        found.update(
            db.session.scalars(
                select(TermsVersion.app_id).where(TermsVersion.app_id.in_(chunk)).distinct()
            )
        )
    return found


def _version_rows(
    app_id: int, before: dict, after: dict, versioned: set[int], **fields
) -> list[dict]:
    """The version row for one change, preceded by a baseline when history starts now."""
    rows = []
    if app_id not in versioned and changed_fields(None, before):
        rows.append(
            {"app_id": app_id, "source": "baseline", "snapshot": before, "changed": [], **fields}
        )
        fields = {**fields, "author_id": None}
    rows.append(
        {"app_id": app_id, "snapshot": after, "changed": changed_fields(before, after), **fields}
    )
    return rows


def _record_import_versions(before: dict[int, dict], after: dict[int, dict], now) -> None:
    """Write one version (author: the import) per app whose terms or coverage changed."""
    changed = [app_id for app_id in after if before[app_id] != after[app_id]]
    versioned = _versioned(changed)
    rows = []
    for app_id in changed:
        for row in _version_rows(
            app_id, before[app_id], after[app_id], versioned, created_at=now, author_id=None
        ):
            rows.append({"source": "import", **row})
    for chunk in _chunks(rows):
        db.session.execute(insert(TermsVersion), chunk)


def record_terms_version(
    app: App, before: dict, source: str, author_id: int | None, now
) -> TermsVersion | None:
    """Add a version if the app's terms or coverage differ from ``before``; flush, no commit."""
    after = snapshot(app.terms, app.coverage)
    if after == before:
        return None
    versioned = _versioned([app.id])
    rows = _version_rows(app.id, before, after, versioned, created_at=now, author_id=author_id)
    versions = [TermsVersion(**{"source": source, **row}) for row in rows]
    db.session.add_all(versions)
    db.session.flush()
    return versions[-1]
