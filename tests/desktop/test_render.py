"""Item Markdown becomes safe HTML; nothing is fetched; links leave the app; plain text reads well."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from desktop.answer_view import AnswerView
from desktop.reads import LoadedItem
from desktop.render import answer_html, plain_text, render_markdown
from kb.records import ItemRecord

HOSTILE = """Hello <script>alert(1)</script> <img src="http://evil.example/t.png" onerror="x()">
[click](javascript:alert(1)) and [docs](https://docs.example/a) <iframe src="https://x"></iframe>
<a href="file:///etc/passwd">local</a> see https://trust.example/portal.
"""


def test_markdown_is_sanitized() -> None:
    html = render_markdown(HOSTILE)
    for bad in ("<script", "<img", "onerror", "javascript:", "<iframe", "file:"):
        assert bad not in html
    assert '<a href="https://docs.example/a">docs</a>' in html
    assert '<a href="https://trust.example/portal">https://trust.example/portal</a>' in html  # bare URL linked


def test_plain_text_keeps_lists_and_link_targets() -> None:
    text = plain_text(render_markdown("Steps:\n\n1. one\n2. **two**\n\nSee [docs](https://d.example/x)."))
    assert text == "Steps:\n\n1. one\n2. two\n\nSee docs (https://d.example/x)."


def test_answer_header_names_the_expert_and_flags_stale_items() -> None:
    old = ItemRecord("a", "qa", "Q?", "body", owner="Priya <P>", verified_on=date.today() - timedelta(days=400))
    html = answer_html(old, "<p>x</p>", warn="#aa0000", muted="#777777")
    assert "Priya &lt;P&gt;" in html and "Stale" in html
    fresh = ItemRecord("b", "qa", "Q?", "body", owner="Diego", verified_on=date.today())
    assert "Verified" in answer_html(fresh, "", warn="#a00", muted="#777")


def test_answer_view_loads_nothing_and_opens_links_outside(qtbot, monkeypatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr("desktop.answer_view.open_external", lambda url: opened.append(url) or True)
    view = AnswerView()
    qtbot.addWidget(view)
    for url in ("https://evil.example/t.png", "http://evil.example/t.png", "file:///etc/passwd", "x.png"):
        assert view.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(url)) is None
    assert not view.openLinks()
    view.show_item(
        LoadedItem(ItemRecord("a", "qa", "Q?", "b", owner="Priya"), render_markdown("[d](https://d.example)"))
    )
    view.anchorClicked.emit(QUrl("https://d.example"))
    view.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert [u.toString() for u in opened] == ["https://d.example"]
    assert "Priya" in view.toPlainText()


def test_render_and_reads_do_not_need_qt() -> None:
    """The logic the window runs in workers stays importable without Qt (STYLE §1)."""
    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "import desktop.render, desktop.reads\n"
        "print(desktop.render.plain_text(desktop.render.render_markdown('**ok**')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_plain_text_joins_a_paragraphs_soft_breaks_and_keeps_real_ones() -> None:
    source = ("Harbor keeps your data in the EU region you choose, and\nbackups stay in that region too.\n\n"
              "- first item that is\n  wrapped in the source\n- second\n\n```\nline one\nline two\n```\n")
    text = plain_text(render_markdown(source))
    assert "you choose, and backups stay in that region too." in text
    assert "- first item that is wrapped in the source\n- second" in text
    assert "line one\nline two" in text
