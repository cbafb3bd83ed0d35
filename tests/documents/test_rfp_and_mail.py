"""RFP header detection and the mapping file; email scrubbing; what the converters refuse to run."""

from __future__ import annotations

from indexer.app import content as app_content
from datetime import datetime, timezone
from pathlib import Path

from indexer.app.documents import import_documents, wants
from indexer.app.workspace import Workspace
from kb.documents.mail import scrub
from kb.documents.sheets import MAPPING_FILE
from kb.services import suggestions

from tests.documents.makers import make_docx, make_mbox, message


def test_unknown_headers_are_named_and_a_mapping_file_maps_them_once(ws: Workspace, tmp_path: Path) -> None:
    lib = tmp_path / "library.csv"
    lib.write_text("Ref,Req. text,Our reply,Chapter\nA1,Do you offer a sandbox?,Yes: one per paid edition.,Platform\n",
                   encoding="utf-8")  # fmt: skip
    assert wants(lib)
    report = import_documents(ws, lib).value
    assert len(report.errors) == 1
    err = str(report.errors[0])
    assert err.startswith("library.csv:1 [header]: no question and answer columns found")
    assert "'Req. text'" in err and MAPPING_FILE in err

    (tmp_path / MAPPING_FILE).write_text('question = "Req. text"\nanswer = "Our reply"\ncategory = "Chapter"\n')
    report = import_documents(ws, lib).value
    assert report.ok and report.created == 1
    item = next(r for r in app_content.records(ws) if r.title == "Do you offer a sandbox?")
    assert item.kind == "qa" and item.tags == ("Platform",) and item.body == "Yes: one per paid edition."


def test_our_own_csv_format_still_goes_to_the_csv_importer(tmp_path: Path) -> None:
    own = tmp_path / "answers.csv"
    own.write_text("Question,Answer,Tags\nQ?,A.,x\n", encoding="utf-8")
    rfp = tmp_path / "rfp.csv"
    rfp.write_text("Category,Question,Response\nIdentity,Q?,A.\n", encoding="utf-8")
    assert not wants(own) and wants(rfp)


def test_scrub_removes_people_addresses_company_greetings_and_signoffs() -> None:
    text = ("Hi Pat,\n\nJones, Pat asked whether Acmefoods can use pat.jones@acmefoods.com for SSO. "
            "Pat's team can.\n\nThanks,\nDana")
    out = scrub(text, {"Jones, Pat", "Dana Smith"}, ["acmefoods"])
    assert out == "asked whether can use for SSO. team can."


def test_an_html_only_reply_is_read_as_text_and_attachments_are_never_opened(ws: Workspace, tmp_path: Path) -> None:
    ask = message("Kim Lee <kim@initech.example>", "Sam Roe <sam@harborcrm.example>", "Limits",
                  "Hello Sam,\nWhat is the API rate limit?\nKim", when=datetime(2026, 10, 1, tzinfo=timezone.utc))
    reply = message("Sam Roe <sam@harborcrm.example>", "Kim Lee <kim@initech.example>", "RE: Limits", "x",
                    when=datetime(2026, 10, 2, tzinfo=timezone.utc), reply_to=ask)  # fmt: skip
    reply.clear_content()
    reply.set_content("<p>Hi Kim,</p><p>The API allows <b>600 requests a minute</b> per tenant.</p>"
                      "<script>steal()</script><p>Regards,<br>Sam</p>", subtype="html")  # fmt: skip
    reply.add_attachment(b"MZ\x90\x00 not run", maintype="application", subtype="octet-stream", filename="setup.exe")
    make_mbox(tmp_path / "limits.mbox", [ask, reply])
    report = import_documents(ws, tmp_path / "limits.mbox").value
    assert report.suggested == 1
    (sug,) = ws.read(suggestions.list_suggestions)
    assert sug.proposed.title == "What is the API rate limit?"
    assert sug.proposed.body == "The API allows 600 requests a minute per tenant."


def test_macros_and_embedded_objects_are_not_read(ws: Workspace, tmp_path: Path) -> None:
    import zipfile

    doc = make_docx(tmp_path / "plain.docx", "Macro host", [("Body", ["Visible text about quokka pricing."])])
    with zipfile.ZipFile(doc, "a") as zf:  # what a .docm carries: the VBA project and an OLE object
        zf.writestr("word/vbaProject.bin", b"Attribute VB_Name = \"AutoOpen\"\nShell \"calc.exe\"")
        zf.writestr("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0 payload")
    report = import_documents(ws, doc).value
    assert report.ok and report.created == 1
    body = app_content.records(ws)[0].body
    assert "quokka pricing" in body and "calc.exe" not in body and "payload" not in body
