"""Re-import is an update: changed sections get new versions (history kept), gone ones are archived,
unchanged files are skipped by hash, RFP rows update in place, and the duplicate guard speaks up."""

from __future__ import annotations

from indexer.app import search as app_search
from indexer.app import content as app_content
from pathlib import Path

from indexer.app.documents import import_documents
from indexer.app.workspace import Workspace
from kb.services import versions

from tests.documents.makers import make_docx, make_pdf, make_xlsx

SECTIONS = [
    ("Encryption", ["All data is encrypted at rest with AES-256."]),
    ("Backups", ["Backups run every 4 hours."]),
    ("Penetration tests", ["An outside firm tests the platform twice a year."]),
]


def _sections(ws: Workspace, name: str) -> dict[str, object]:
    return {r.title.split(" — ")[-1]: r for r in app_content.records(ws) if r.extra.get("source_file") == name}


def test_a_changed_document_updates_in_place_archives_what_is_gone_and_keeps_history(
    ws: Workspace, tmp_path: Path
) -> None:
    doc = make_docx(tmp_path / "security.docx", "Security", SECTIONS)
    first = import_documents(ws, doc).value
    assert first.created == 3
    enc_id = _sections(ws, "security.docx")["Encryption"].id

    changed = "All data is encrypted at rest with AES-256 and in transit with TLS 1.3."
    make_docx(doc, "Security", [("Encryption", [changed]), SECTIONS[1]])
    second = import_documents(ws, doc).value
    assert (second.created, second.updated, second.unchanged, second.archived) == (0, 1, 1, 1)
    now = _sections(ws, "security.docx")
    assert now["Encryption"].id == enc_id and now["Encryption"].version == 2 and "TLS 1.3" in now["Encryption"].body
    assert now["Backups"].version == 1  # read the same: no new version
    assert now["Penetration tests"].status == "archived"
    history = ws.read(lambda s: versions.list_versions(s, enc_id))
    assert [v.version for v in history] == [1, 2]
    assert "AES-256." in ws.read(lambda s: versions.version_record(s, enc_id, 1)).body
    assert app_search.search(ws, "TLS 1.3 transit", mode="lexical").hits[0].id == enc_id
    assert all(h.id != now["Penetration tests"].id for h in app_search.search(ws, "outside firm tests", mode="lexical").hits)

    third = import_documents(ws, doc).value
    assert third.same_hash == 1 and third.pages == 0 and third.created == third.updated == 0

    make_docx(doc, "Security", SECTIONS)  # the old text again: the archived section comes back
    fourth = import_documents(ws, doc).value
    assert fourth.updated == 2 and _sections(ws, "security.docx")["Penetration tests"].status == "published"


def test_rfp_rows_update_in_place_across_sheets_and_reimports(ws: Workspace, tmp_path: Path) -> None:
    book = tmp_path / "rfp.xlsx"
    make_xlsx(book, {"2025": [["Question", "Answer", "Category"], ["Do you support SSO?", "Yes, SAML.", "Security"]],
                     "2026": [["Question", "Answer", "Category"],
                              ["Do you support SSO?", "Yes, SAML 2.0 and OIDC.", "Security"]]})  # fmt: skip
    report = import_documents(ws, book).value
    sso = [r for r in app_content.records(ws) if r.title == "Do you support SSO?"]
    assert report.created == 1 and len(sso) == 1 and sso[0].body == "Yes, SAML 2.0 and OIDC."  # the later sheet wins
    make_xlsx(book, {"2026": [["Question", "Answer", "Category"],
                              ["Do you support SSO?", "Yes, SAML 2.0, OIDC and SCIM.", "Security"]]})  # fmt: skip
    again = import_documents(ws, book).value
    sso = [r for r in app_content.records(ws) if r.title == "Do you support SSO?"]
    assert again.updated == 1 and len(sso) == 1 and sso[0].version == 2 and "SCIM" in sso[0].body


def test_the_duplicate_guard_flags_a_section_that_repeats_an_existing_item(ws: Workspace, tmp_path: Path) -> None:
    text = ("Harbor keeps every customer's data in its home region, encrypts it with keys the customer may hold, "
            "and deletes it within thirty days of the contract ending, with a certificate of deletion on request.")
    make_pdf(tmp_path / "policy.pdf", [["Data handling", text]])
    make_docx(tmp_path / "copy.docx", "Data handling copy", [("Handling", [text])])
    assert not import_documents(ws, tmp_path / "policy.pdf").value.repeats
    report = import_documents(ws, tmp_path / "copy.docx").value
    assert report.created == 1 and len(report.repeats) == 1
    assert "copy.docx" in report.repeats[0] and "repeats 'doc-policy-" in report.repeats[0]
    assert any(line.startswith("  ≈ copy.docx") for line in report.lines())


def test_repeats_between_files_of_one_import_are_flagged_but_not_within_a_file(ws: Workspace, tmp_path: Path) -> None:
    text = ("Every tenant gets a private sandbox refreshed from production each Sunday night, with personal "
            "data masked by default and a seven day retention window for test records.")
    folder = tmp_path / "docs"
    folder.mkdir()
    make_docx(folder / "a.docx", "Sandboxes", [("Refresh", [text]), ("Refresh again", [text])])
    make_docx(folder / "b.docx", "Sandboxes too", [("Refresh", [text])])
    report = import_documents(ws, folder).value
    assert report.created == 3
    across = [r for r in report.repeats if (r.startswith("b.docx") and "'doc-a-" in r)
              or (r.startswith("a.docx") and "'doc-b-" in r)]  # fmt: skip
    within = [r for r in report.repeats if r.startswith("a.docx") and "'doc-a-" in r]
    assert across and not within
