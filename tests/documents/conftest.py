"""A fresh home per test (SQLite, and PostgreSQL where the suite has a server) with a real Whoosh
index, and a folder of real documents written by the libraries teams' tools use."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.app.workspace import Workspace
from indexer.engine.search_index import SearchIndex
from kb.paths import Home
from kb.store import Store

from tests.documents import makers

#: (file, fact a rep would search for, words of that fact to search with)
FACTS = [
    ("datasheet.pdf", "Uptime SLA is 99.95 percent on the Enterprise edition.", "uptime SLA enterprise"),
    ("datasheet.pdf", "EU tenants keep customer data in the Frankfurt region.", "Frankfurt region tenants"),
    ("whitepaper.docx", "All data is encrypted at rest with AES-256 and keys rotate every 90 days.",
     "AES-256 rotate keys"),
    ("whitepaper.docx", "Backups run every 4 hours and are kept for 35 days.", "backups kept 35 days"),
    ("whitepaper.docx", "Recovery point objective", "recovery point objective"),
    ("deck.pptx", "Migrations from on-premise finish in six weeks on average.", "migrations six weeks"),
    ("deck.pptx", "Mention the Northwind rollout of 1,200 seats.", "Northwind rollout seats"),
    ("confluence/Incident-response.html", "Customers are notified within 24 hours of a confirmed breach.",
     "notified confirmed breach"),
    ("zendesk/articles/360001.html", "Sandboxes refresh from production every Sunday night.",
     "sandboxes refresh Sunday"),
    ("sheet.xlsx", "Quarterly price list for the Harbor add-on Voice Dialer", "Voice Dialer price list"),
]


@pytest.fixture
def ws(tmp_path: Path, db_url: str | None):  # type: ignore[no-untyped-def]
    home = Home(tmp_path / "home")
    workspace = Workspace(Store(home, url=db_url), SearchIndex(home.ensure().index_dir, home.synonyms_path))
    workspace.ensure_index()
    yield workspace
    workspace.close()


def write_documents(folder: Path) -> Path:
    """One real file of each kind a team brings, each holding facts from :data:`FACTS`."""
    folder.mkdir(parents=True, exist_ok=True)
    makers.make_pdf(folder / "datasheet.pdf", [
        ["Harbor CRM Datasheet", FACTS[0][1]],
        ["Data residency", FACTS[1][1]],
    ], title="Harbor CRM Datasheet")  # fmt: skip
    makers.make_docx(folder / "whitepaper.docx", "Security Whitepaper", [
        ("Encryption", [FACTS[2][1]]),
        ("Backups", [FACTS[3][1]]),
    ], table=[["Tier", "Recovery point objective"], ["Enterprise", "4 hours"]])  # fmt: skip
    makers.make_pptx(folder / "deck.pptx", [
        ("Why teams move to Harbor", [FACTS[5][1], "Zero-downtime cutover"], FACTS[6][1]),
        ("Pricing", ["Per-seat pricing starts at 49 dollars a month"], ""),
    ])  # fmt: skip
    (folder / "confluence").mkdir(exist_ok=True)
    makers.make_html(folder / "confluence" / "Incident-response.html", "Incident response",
                     [("Notification", FACTS[7][1]), ("Forensics", "A third party reviews every breach.")],
                     confluence=True)  # fmt: skip
    (folder / "confluence" / "index.html").write_text("<html><body><a href='x.html'>Pages</a></body></html>")
    (folder / "zendesk" / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "zendesk" / "articles" / "360001.html").write_text(
        "<html><head><title>Sandbox refresh – Harbor Help Center</title></head><body>"
        "<header class='header'>Harbor Help Center · Sign in</header>"
        "<nav class='sub-nav'><ol class='breadcrumbs'><li>Admin</li></ol></nav>"
        "<article class='article'><h1 class='article-title'>Sandbox refresh</h1>"
        f"<div class='article-body'><p>{FACTS[8][1]}</p><p onclick='steal()'>Ask your admin to "
        "<a href='javascript:alert(1)'>start one</a> sooner.</p><img src='https://tracker.example/p.gif'></div>"
        "</article><section class='article-votes'>Was this article helpful?</section>"
        "<footer class='footer'>Powered by Zendesk</footer></body></html>", encoding="utf-8")
    makers.make_xlsx(folder / "sheet.xlsx", {"Price list": [
        ["Product", "Price"], [FACTS[9][1], "12 dollars"], ["Harbor add-on Meeting Recorder", "9 dollars"],
    ]})  # fmt: skip
    makers.make_xlsx(folder / "rfp-library.xlsx", {
        "Security": [
            ["Acme RFP answer library 2026"],
            [],
            ["Category", "Requirement", "Vendor Response"],
            ["Identity", "Do you support SCIM provisioning?", "Yes: SCIM 2.0 with Okta and Microsoft Entra ID."],
            ["Identity; Access", "Can admins enforce MFA for every user?", "Yes, per role, with WebAuthn keys."],
            ["Network", "Do you publish your IP ranges?", None],
        ],
        "Legal": [
            ["Area", "Question", "Answer"],
            ["Privacy", "Are you GDPR compliant?", "Yes, with a signed DPA and EU data residency."],
        ],
    })  # fmt: skip
    makers.make_mbox(folder / "threads.mbox", [
        *makers.customer_thread("How long do you keep audit logs?",
                                "Audit logs are kept for 400 days on Enterprise and stream to your SIEM."),
        *makers.customer_thread("Can we export dashboards to PDF on a schedule?",
                                "Yes: schedule any dashboard as a PDF email, daily or weekly.",
                                subject="Dashboards", day=5),
    ])  # fmt: skip
    makers.make_eml(folder / "reply.eml", makers.customer_thread(
        "Is there a Salesforce importer that keeps activity history?",
        "Yes, the Salesforce importer brings activities, notes and attachments with their dates.",
        customer="Lee Wong <lee.wong@globex.io>", subject="Migration")[1])  # fmt: skip
    return folder


def write_bad_files(folder: Path, good_docx: Path) -> dict[str, str]:
    """Every kind of bad file the import must name; maps file name → a word of its reason."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated")
    makers.make_pdf(folder / "locked.pdf", [["Nothing to see"]], user_password="s3cret")
    makers.make_zip_bomb_docx(folder / "bomb.docx", good_docx)
    makers.make_sparse(folder / "huge.pdf", 500 * 1024 * 1024)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (folder / "outlook.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return {
        "corrupt.pdf": "not a readable PDF", "locked.pdf": "password-protected", "bomb.docx": "zip bomb",
        "huge.pdf": "the limit is 100 MB", "broken.docx": "not a valid .docx", "old.doc": "save it as .docx",
        "outlook.msg": ".eml",
    }  # fmt: skip
