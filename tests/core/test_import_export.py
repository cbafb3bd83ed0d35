"""Import is idempotent; every export format round-trips every field."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kb.exporters import export_csv, export_pack
from kb.importing import import_path
from kb.paths import Home
from kb.records import ItemRecord
from kb.services.markdown_folder import export_folder
from kb.services.items import all_records, save_records
from kb.store import Store

from tests.core.conftest import QA, write

FIELDS = ("id", "kind", "title", "body", "phrasings", "area", "tags", "stages", "owner", "status",
          "verified_on", "review_days", "extra")  # fmt: skip


def sample_records() -> list[ItemRecord]:
    return [
        ItemRecord(
            id="sec-sso", kind="qa", title="Do you support SSO: SAML and OIDC?", body="Yes.\n\n- SAML 2.0\n- OIDC",
            phrasings=("Okta login?", "Azure AD, Entra ID; works?"), area="security", tags=("sso", "okta"),
            stages=("consideration", "decision"), owner="Priya Natarajan", status="published",
            verified_on=date(2026, 9, 14), review_days=180, extra={"rfp_ref": "S-12", "regions": ["eu", "us"]},
        ),
        ItemRecord(
            id="price-tco", kind="article", title="TCO versus on-prem", body="## Hardware\n\nNo servers.",
            area="pricing", tags=("tco",), stages=("awareness",), owner="Marcus Feld", status="archived",
            verified_on=None, review_days=90,
        ),
        ItemRecord(id="draft-1", kind="qa", title="Émojis 🎉 and ünïcode?", body="Ja — natürlich.", status="draft"),
    ]  # fmt: skip


def fields(records: list[ItemRecord]) -> dict[str, tuple]:
    return {r.id: tuple(getattr(r, f) for f in FIELDS) for r in records}


@pytest.mark.parametrize("fmt", ["markdown", "csv", "pack"])
def test_export_import_round_trips_every_field(store: Store, tmp_path: Path, fmt: str) -> None:
    with store.session() as s:
        save_records(s, sample_records())
        original = all_records(s)
    if fmt == "markdown":
        dest = tmp_path / "out"
        with store.session() as s:  # the one Markdown export path (kb export, sync-files)
            export_folder(s, dest, include_archived=True)
    elif fmt == "csv":
        dest = tmp_path / "out.csv"
        export_csv(original, dest)
    else:
        dest = tmp_path / "out.zip"
        export_pack(original, dest)
    fresh = Store(Home(tmp_path / "other"))
    report = import_path(fresh, dest)
    assert report.errors == [] and report.created == 3
    with fresh.session() as s:
        assert fields(all_records(s)) == fields(original)


def test_reimport_updates_in_place_without_duplicates(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "content"
    write(src / "a.md", QA.format(id="a", question="Version one?"))
    first = import_path(store, src)
    assert (first.created, first.updated) == (1, 0)
    again = import_path(store, src)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    write(src / "a.md", QA.format(id="a", question="Version two?"))
    third = import_path(store, src)
    assert (third.created, third.updated) == (0, 1)
    with store.session() as s:
        (rec,) = all_records(s)
    assert rec.title == "Version two?" and rec.version == 2


def test_csv_answer_library_with_extra_columns_and_bad_rows(store: Store, tmp_path: Path) -> None:
    csv_path = tmp_path / "rfp.csv"
    csv_path.write_text(
        "Question,Answer,Alternate questions,Tags,Stages,Owner,RFP section\n"
        'Do you encrypt data at rest?,"AES-256, keys in KMS.","Is data encrypted?\nEncryption at rest?",'
        '"security, encryption",consideration;decision,Priya,4.2\n'
        ",No question here,,,,,\n"
        "Which stage?,Some answer,,,closing,,\n"
        "Ragged?,Answer,,,,,,,extra,cells\n",
        encoding="utf-8",
    )
    report = import_path(store, csv_path)
    assert report.loaded == 2
    messages = [str(e) for e in report.errors]
    assert any("row 3" in m and "missing question" in m for m in messages)
    assert any("row 4" in m and "closing" in m for m in messages)
    assert any("row 5" in m and "extra cells" in m for m in messages)
    with store.session() as s:
        recs = {r.title: r for r in all_records(s)}
    enc = recs["Do you encrypt data at rest?"]
    assert enc.phrasings == ("Is data encrypted?", "Encryption at rest?")
    assert enc.stages == ("consideration", "decision") and enc.extra == {"RFP section": "4.2"}
    # Same spreadsheet again: the stable id means an update in place, not a duplicate.
    again = import_path(store, csv_path)
    assert again.created == 0 and again.unchanged == 2


def test_cp1252_csv_is_read_and_flagged(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "win.csv"
    path.write_bytes("Question,Answer\nCafé pricing?,Prix en €\n".encode("cp1252"))
    report = import_path(store, path)
    assert report.loaded == 1 and any("not UTF-8" in str(e) for e in report.errors)


def test_pack_refuses_path_traversal_and_absolute_paths(store: Store, tmp_path: Path) -> None:
    pack = tmp_path / "evil.zip"
    with zipfile.ZipFile(pack, "w") as zf:
        zf.writestr("manifest.json", '{"format": "expert-answers-pack", "version": 1}')
        zf.writestr("content/qa/ok.md", QA.format(id="ok", question="Fine?"))
        zf.writestr("../escape.md", QA.format(id="esc", question="Escape?"))
        zf.writestr("/abs.md", QA.format(id="abs", question="Absolute?"))
    report = import_path(store, pack)
    assert report.loaded == 1
    assert sum("leaves the pack folder" in str(e) for e in report.errors) == 2
    assert not (tmp_path / "escape.md").exists()


def test_beir_folder_becomes_qa_items_with_kept_ids(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "ds" / "corpus.jsonl", '{"id": "d1", "title": "", "text": "term life cover"}\n{"id": "d2"}\n')
    report = import_path(store, tmp_path / "ds")
    assert report.kind == "beir" and report.loaded == 1 and len(report.errors) == 1
    with store.session() as s:
        (rec,) = all_records(s)
    assert rec.id == "d1" and rec.kind == "qa" and rec.body == "term life cover"


def test_version_snapshots_are_kept(store: Store) -> None:
    rec = sample_records()[0]
    with store.session() as s:
        save_records(s, [rec], saved_by="priya")
        save_records(s, [replace(rec, body="Yes, and SCIM too.")], saved_by="priya")
    from kb.models import ItemVersion
    from sqlalchemy import select

    with store.session() as s:
        versions = s.scalars(select(ItemVersion).order_by(ItemVersion.version)).all()
        assert [(v.version, v.snapshot["body"], v.saved_by) for v in versions] == [
            (1, rec.body, "priya"),
            (2, "Yes, and SCIM too.", "priya"),
        ]
