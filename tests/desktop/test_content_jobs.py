"""Long and bulk work from the menus: Content > Import (progress, a Cancel that changes nothing, items
searchable at once) and Journey > the CRM round trip (deals in, answers out)."""

from __future__ import annotations

from indexer.app import content as app_content
from pathlib import Path

from desktop_helpers import ask
from PySide6.QtWidgets import QMenu, QMessageBox

from indexer.app import search


def _folder(root: Path, n: int, prefix: str) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"{prefix}{i:05d}.md").write_text(
            f"---\nid: {prefix}-{i}\ntype: qa\nquestion: Does the {prefix} connector sync record {i}?\n---\n"
            f"Yes: the {prefix} connector syncs record {i} every night.\n",
            encoding="utf-8",
        )
    return root


def test_an_import_from_the_app_is_searchable_at_once(qtbot, window, workspace, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "pack", 40, "zephyr")
    with qtbot.waitSignal(window.writer.changed, timeout=20_000) as changed:
        assert window.content_jobs.import_path(folder)
    assert "zephyr-7" in changed.args[0].items
    qtbot.waitUntil(lambda: not window.content_jobs.busy(), timeout=30_000)
    assert "Imported 40 items" in window.statusBar().currentMessage()
    assert search.search(workspace, "zephyr connector record 7").hits[0].id == "zephyr-7"


def test_cancel_stops_a_big_import_and_changes_nothing(qtbot, window, workspace, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "big", 6_000, "quasar")
    before = app_content.stats(workspace)["qa"]
    assert window.content_jobs.import_path(folder)
    assert window.progress.cancel_button.isVisibleTo(window.progress)
    qtbot.waitUntil(lambda: "Reading files" in window.progress.label.text(), timeout=30_000)  # mid-import
    window.progress.cancel_button.click()
    qtbot.waitUntil(lambda: not window.content_jobs.busy(), timeout=30_000)
    assert "cancelled; nothing was changed" in window.statusBar().currentMessage()
    assert app_content.stats(workspace)["qa"] == before
    assert all(not h.id.startswith("quasar") for h in search.search(workspace, "quasar connector record 5").hits)


def test_crm_round_trip_from_the_journey_menu(qtbot, window, workspace, tmp_path: Path) -> None:
    from desktop.journey import journey_of

    export = tmp_path / "opportunities.csv"
    export.write_text(
        "Opportunity ID,Opportunity Name,Account Name,Stage,Opportunity Owner,Close Date\n"
        "006A1,Zephyr Air — 400 seats,Zephyr Air,Negotiation/Review,Tom Okafor,03/31/2027\n"
        ",Missing id — 5 seats,Nobody,Prospecting,Tom Okafor,03/31/2027\n",
        encoding="utf-8",
    )
    actions = journey_of(window).crm
    menu_texts = [a.text() for a in window.findChild(QMenu, "journeyMenu").actions()]
    assert "Import deals from &CRM…" in menu_texts and "E&xport answers for CRM…" in menu_texts
    assert actions.import_deals(export)
    # The deal picker follows through `changed`. Wait for the deal itself, not the next overview:
    # an overview refresh already under way (window activation) may land first, without it.
    qtbot.waitUntil(lambda: any(d.id == "sf-006A1" for d in window.deals_model.deals()), timeout=30_000)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "crmMessage") is not None, timeout=30_000)
    box = window.findChild(QMessageBox, "crmMessage")
    assert "1 new deals" in box.text() and "opportunities.csv:3 [Opportunity ID]" in box.text()
    box.close()

    window.deal_picker.select_deal("sf-006A1")
    ask(qtbot, window, "support tiers")
    with qtbot.waitSignal(window.logged, timeout=30_000):
        window.commands.log_answered.trigger()
    out = tmp_path / "activities.csv"
    assert actions.export_activities(out)
    qtbot.waitUntil(lambda: "Wrote 1 activities" in window.statusBar().currentMessage(), timeout=30_000)
    import csv

    with out.open(encoding="utf-8-sig", newline="") as fh:
        row = list(csv.reader(fh))[1]
    assert row[:2] == ["006A1", "salesforce"] and row[2].startswith("Zephyr Air")
