"""Deals from the CRM and answers back: a realistic Salesforce export of 200 opportunities imported
twice with the pipeline moving in between (forward, back, won, lost), a HubSpot export, bad rows,
an edited stage mapping, and the activities export read back."""

from __future__ import annotations

from indexer.app import content as app_content
import csv
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from indexer.app import answers, crm, insight, journey
from indexer.app.actors import current_actor
from indexer.app.content import SEED_CONTENT, open_home
from indexer.cli import main as kb_main

SF_HEADER = ["Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Opportunity Owner", "Close Date",
             "Amount", "Probability (%)", "Type", "Lead Source", "Fiscal Period"]  # fmt: skip
SF_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
             "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review"]  # fmt: skip
JOURNEY = {"Prospecting": "awareness", "Qualification": "awareness", "Needs Analysis": "consideration",
           "Value Proposition": "consideration", "Id. Decision Makers": "consideration",
           "Perception Analysis": "consideration", "Proposal/Price Quote": "decision",
           "Negotiation/Review": "decision", "Closed Won": "results", "Closed Lost": "win-back"}  # fmt: skip
ORDER = ["awareness", "consideration", "decision", "results", "win-back"]
ACCOUNTS = ["Vireo Insurance", "Northwind Freight", "Halcyon Health", "Brightline Retail", "Kestrel Bank",
            "Arbor Logistics", "Tidewater Energy", "Quillon Legal", "Marlow Foods", "Ostara Pharma",
            "Pinecrest Schools", "Cobalt Mining", "Lumen Telecom", "Saffron Hotels", "Veridian Water"]  # fmt: skip
OWNERS = ["Priya Natarajan", "Tom Okafor", "Elena Sousa", "Sam Whitfield", "Marcus Feld"]


@dataclass
class Opp:
    id: str
    name: str
    account: str
    stage: str
    owner: str
    close: date


def _opps(rng: random.Random, n: int, start: int = 0) -> list[Opp]:
    out = []
    for k in range(start, start + n):
        account = rng.choice(ACCOUNTS)
        seats = rng.choice([50, 120, 250, 500, 1200])
        out.append(Opp(f"006Qy00000{k:05d}AAE", f"{account} — {seats} seats {rng.choice(['Business', 'Enterprise'])}",
                       account, rng.choice(SF_STAGES), rng.choice(OWNERS),
                       date(2027, 1, 1) + timedelta(days=rng.randrange(180))))  # fmt: skip
    return out


def _write_sf(path: Path, opps: list[Opp], extra_rows: list[list[str]] = ()) -> Path:  # type: ignore[assignment]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(SF_HEADER)
        for o in opps:
            w.writerow([o.id, o.name, o.account, o.stage, o.owner, o.close.strftime("%m/%d/%Y"),
                        f"{len(o.name) * 1000:.2f}", "40", "New Business", "Web", "Q1-2027"])  # fmt: skip
        w.writerows(extra_rows)
    return path


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    workspace = open_home(tmp_path / "home", seed=SEED_CONTENT)
    yield workspace
    workspace.close()


def test_a_salesforce_export_imported_twice_follows_the_pipeline(ws, tmp_path: Path, capsys) -> None:
    rng = random.Random(20261204)
    first = _opps(rng, 200)
    report = crm.import_crm_deals(ws, _write_sf(tmp_path / "week1.csv", first)).value
    assert (report.crm, report.created, report.updated, report.errors) == ("salesforce", 200, 0, [])
    deals = {d.id: d for d in journey.list_deals(ws)}
    for o in first:
        d = deals[f"sf-{o.id}"]
        assert (d.name, d.account, d.owner, d.stage, d.status) == (o.name, o.account, o.owner, JOURNEY[o.stage], "open")

    # A week later: the pipeline moved. Forward, back (a new stakeholder reopened the options),
    # won, lost, renamed, 10 new opportunities and two rows the import cannot use.
    second = [Opp(**vars(o)) for o in first]
    forward, back, won, lost, renamed = second[0:40], second[40:60], second[60:75], second[75:85], second[85:90]
    for o in forward:
        o.stage = "Negotiation/Review" if JOURNEY[o.stage] != "decision" else o.stage
    for o in back:
        o.stage = "Proposal/Price Quote"  # set below: first to decision, then back
    for o in won:
        o.stage = "Closed Won"
    for o in lost:
        o.stage = "Closed Lost"
    for o in renamed:
        o.name += " (expanded)"
    # The back-movers: make sure they are in decision after week 1's import of an interim export.
    interim = [Opp(**vars(o)) for o in first]
    for o in interim[40:60]:
        o.stage = "Negotiation/Review"
    crm.import_crm_deals(ws, _write_sf(tmp_path / "interim.csv", interim))
    for o in back:
        o.stage = "Needs Analysis"  # decision → consideration: the options loop
    new = _opps(rng, 10, start=200)
    bad = [["", "No id Ltd — 10 seats", "No id Ltd", "Prospecting", "Tom Okafor", "01/02/2027"],
           ["006Qy0000099999AAE", "Odd stage Inc", "Odd stage Inc", "Verbal Commit", "Tom Okafor", "01/02/2027"]]
    path = _write_sf(tmp_path / "week2.csv", second + new, bad)

    code = kb_main(["--home", str(ws.home.root), "deal", "import", str(path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # rows were skipped: the exit code says so; everything else was imported
    expected_forward = sum(JOURNEY[o.stage] != JOURNEY[f.stage] for o, f in zip(forward, first[0:40]))
    assert out["created"] == 10
    assert out["moved_back"] == 20
    assert out["moved"] == expected_forward + 20 + 15 + 10
    assert len(out["errors"]) == 2
    assert "week2.csv:212 [Opportunity ID]" in out["errors"][0]
    assert "week2.csv:213 [Stage]" in out["errors"][1] and "Verbal Commit" in out["errors"][1]

    deals = {d.id: d for d in journey.list_deals(ws)}
    assert len(deals) == 210
    for o in back:
        d = deals[f"sf-{o.id}"]
        assert d.stage == "consideration" and d.history[-1].backward and d.history[-1].note == "Salesforce: Needs Analysis"
    for o in won:
        assert (deals[f"sf-{o.id}"].status, deals[f"sf-{o.id}"].stage) == ("won", "results")
    for o in lost:
        assert (deals[f"sf-{o.id}"].status, deals[f"sf-{o.id}"].stage) == ("lost", "win-back")
    for o in renamed:
        assert deals[f"sf-{o.id}"].name.endswith("(expanded)")
    looped = {d.deal_id for d in insight.report(ws, "loops")}
    assert {f"sf-{o.id}" for o in back} <= looped

    again = crm.import_crm_deals(ws, path).value  # the same export again changes nothing
    assert (again.created, again.updated, again.unchanged) == (0, 0, 210)


def test_a_hubspot_export_and_an_edited_mapping(ws, tmp_path: Path) -> None:
    path = tmp_path / "hubspot-deals.csv"
    path.write_text(
        "Record ID,Deal Name,Deal Stage,Deal owner,Close Date,Associated Company (Primary),Pipeline,Amount\n"
        "9001,Kestrel Bank — 300 seats,presentationscheduled,Elena Sousa,2027-02-01,Kestrel Bank,Sales Pipeline,90000\n"
        "9002,Marlow Foods — 80 seats,Closed Won,Tom Okafor,2027-01-15,Marlow Foods,Sales Pipeline,24000\n"
        "9003,Cobalt Mining — pilot,pilotrunning,Tom Okafor,2027-03-01,Cobalt Mining,Sales Pipeline,5000\n",
        encoding="utf-8",
    )
    report = crm.import_crm_deals(ws, path).value
    assert (report.crm, report.created, len(report.errors)) == ("hubspot", 2, 1)
    assert "pilotrunning" in str(report.errors[0]) and "crm_stages.toml" in str(report.errors[0])
    assert journey.get_deal(ws, "hs-9002").status == "won"

    mapping = ws.home.crm_stages_path  # written with the defaults on first use; the team edits it
    mapping.write_text(mapping.read_text(encoding="utf-8") + '"pilotrunning" = "decision"\n', encoding="utf-8")
    assert crm.import_crm_deals(ws, path).value.created == 1
    assert journey.get_deal(ws, "hs-9003").stage == "decision"

    mapping.write_text('[hubspot]\n"pilotrunning" = "closing"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"crm_stages.toml:2 \[hubspot\].*unknown journey stage 'closing'"):
        crm.import_crm_deals(ws, path)


def test_a_file_that_is_not_a_crm_export_is_refused_by_name(ws, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("First Name,Last Name,Email\nAda,Lovelace,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="contacts.csv:1: not a Salesforce or HubSpot deal export"):
        crm.import_crm_deals(ws, path)
    assert journey.list_deals(ws) == []


def test_the_activities_export_round_trips_the_answer_log(ws, tmp_path: Path, capsys) -> None:
    path = _write_sf(tmp_path / "opps.csv", _opps(random.Random(7), 3))
    deal_ids = crm.import_crm_deals(ws, path).value.deal_ids
    rep = current_actor("Rita Rep", "rep")
    items = [r for r in app_content.records(ws, ) if r.kind == "qa"][:3]
    logged = [
        answers.log_question(ws, rep, "Do you support SAML single sign-on with Okta?", deal_id=deal_ids[0],
                             item_ids=[items[0].id], rank=1, seconds=12.5, role="technical-evaluator").value,
        answers.log_question(ws, rep, "Wie lange werden Audit-Logs aufbewahrt – ein Jahr?", deal_id=deal_ids[1],
                             item_ids=[items[1].id, items[2].id], outcome="partial", seconds=40).value,
        answers.log_question(ws, rep, "Is there a Kazakh language pack?", deal_id=deal_ids[2]).value,  # a gap
    ]  # fmt: skip
    out = tmp_path / "activities.csv"
    assert kb_main(["--home", str(ws.home.root), "log", "export", "--format", "crm-csv", "--out", str(out)]) == 0
    capsys.readouterr()
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2  # answered and partial; the gap is not an activity
    for row, entry in zip(rows, logged[:2]):
        assert row["Deal ID"] == entry.deal_id.removeprefix("sf-") and row["CRM"] == "salesforce"
        assert row["Subject"] == entry.question and row["Outcome"] == entry.outcome
        assert row["Items"].split() == list(entry.item_ids) and row["Log ID"] == str(entry.id)
        assert row["Date"].startswith(entry.at.strftime("%Y-%m-%d")) and row["Rep"] == "Rita Rep"
        first_item = next(r for r in items if r.id == entry.item_ids[0])
        assert row["Description"].startswith(first_item.title)
    assert rows[0]["Stage"] == "Awareness" or rows[0]["Stage"] in {s.label for s in ws.store.stages()}
    assert rows[0]["Asked By"] == "technical-evaluator" and rows[0]["Seconds"] == "12.5"
