"""Fixtures for the search engine: a small, realistic catalogue indexed into ``tmp_path``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from indexer.engine import SearchIndex
from kb.records import ItemRecord

SYNONYMS = """\
# test synonyms (same format as content/synonyms.txt)
sso, single sign-on, single sign on
soc 2, soc2
on-prem, on-premise, on-premises
"""

RECENT = date.today() - timedelta(days=10)


def qa(id: str, question: str, body: str, **kw: object) -> ItemRecord:
    kw.setdefault("verified_on", RECENT)
    return ItemRecord(id=id, kind="qa", title=question, body=body, **kw)  # type: ignore[arg-type]


def catalogue() -> list[ItemRecord]:
    return [
        qa("sec-sso", "Do you support single sign-on with SAML 2.0?",
           "Yes. Harbor CRM supports **SAML 2.0** and OpenID Connect on every edition at no extra "
           "cost. Okta, Entra ID, Ping and Google Workspace are tested identity providers.",
           phrasings=("Can our people log in with Okta?", "Does Harbor work with Azure AD?"),
           area="security", tags=("identity", "saml"), stages=("consideration", "decision"),
           owner="Priya Natarajan"),
        qa("sec-soc2", "Are you SOC 2 Type II certified?",
           "Yes, we hold a SOC 2 Type II report, renewed annually. Prospects get it under NDA "
           "through the trust portal.", area="security", tags=("compliance",),
           stages=("decision",), owner="Priya Natarajan"),
        qa("mig-siebel", "Can you migrate our data from an on-premise Siebel CRM?",
           "Harbor Migrate moves accounts, contacts and activities from Siebel 8.x. A typical "
           "cutover happens over a weekend after two or three trial loads.",
           area="migration", tags=("siebel",), stages=("consideration",), owner="Elena Sousa"),
        qa("price-editions", "How much does Harbor CRM cost per user?",
           "Team is $39, Business $79 and Enterprise $129 per user per month, billed annually. "
           "Monthly billing costs 20% more.", area="pricing", tags=("pricing", "editions"),
           stages=("decision",), owner="Marcus Feld"),
        qa("price-discount", "Do you offer volume discounts?",
           "Yes: 10% at 250 seats and 15% at 1,000 seats. Pricing for read-only users is $8.",
           area="pricing", tags=("pricing",), stages=("decision",), owner="Marcus Feld"),
        qa("sla-uptime", "What uptime do you guarantee?",
           "99.9% on Business and 99.95% on Enterprise, with service credits when we miss it.",
           area="sla-support", tags=("sla",), stages=("decision", "results"), owner="Hannah Berg"),
        qa("int-api-limits", "What are the API rate limits?",
           "Team 25k calls per day, Business 100k, Enterprise 1M. More in 250k blocks.",
           area="integrations", tags=("api",), stages=("results",), owner="Tom Okafor"),
        qa("sla-backup", "How often do you back up our data?",
           "Backups run hourly and are kept for 35 days. Restoring data is a support request.",
           area="sla-support", tags=("backup",), stages=("results",), owner="Hannah Berg"),
        qa("adopt-training", "How do you train our sales team?",
           "In-app guidance and an adoption dashboard; managers running pipeline reviews drive "
           "weekly use. We migrate training material too.", area="adoption", tags=("training",),
           stages=("results",), owner="Aiko Tanaka"),
        qa("wb-why-lost", "Why did customers choose a competitor last year?",
           "Mostly ecosystem size. Migration from on-prem systems is where Harbor wins back deals.",
           area="win-back", tags=("competitors",), stages=("win-back",), owner="Sam Whitfield"),
        ItemRecord(id="art-security", kind="article", title="Security overview for reviewers",
                   body="## Encryption\nData is encrypted with AES-256 at rest and TLS 1.2+ in "
                        "transit.\n\n## Identity\nSSO, MFA and SCIM provisioning.",
                   area="security", tags=("security",), stages=("awareness",),
                   owner="Priya Natarajan", verified_on=RECENT),
        qa("draft-roadmap", "Is a China region on the roadmap?",
           "Not planned. Draft answer pending legal review.", status="draft", area="security"),
        qa("old-stale", "Do you support Lotus Notes?",
           "No native Lotus Notes integration.", area="integrations",
           verified_on=date(2020, 1, 1), review_days=90),
    ]


@pytest.fixture
def records() -> list[ItemRecord]:
    return catalogue()


@pytest.fixture
def synonyms_file(tmp_path: Path) -> Path:
    p = tmp_path / "synonyms.txt"
    p.write_text(SYNONYMS, encoding="utf-8")
    return p


@pytest.fixture
def index(tmp_path: Path, synonyms_file: Path, records: list[ItemRecord]) -> SearchIndex:
    ix = SearchIndex(tmp_path / "index", synonyms_file)
    ix.rebuild(records, total=len(records))
    yield ix
    ix.close()
