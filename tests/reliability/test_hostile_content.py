"""Hostile Markdown is neutralised in every rendered view (answer pane, preview, clipboard HTML)."""

from __future__ import annotations

import re

import pytest

from desktop.render import render_markdown

HOSTILE = {
    "script": "Hello <script>alert('x')</script> world",
    "event handler": '<p onclick="steal()">click</p> <img src=x onerror="steal()">',
    "javascript link": "[free money](javascript:alert(1)) and <a href=\"javascript:alert(2)\">raw</a>",
    "remote image": "![tracker](https://evil.example/pixel.png) <img src=\"https://evil.example/p.gif\">",
    "iframe": '<iframe src="https://evil.example/"></iframe> after',
    "style and object": "<style>body{display:none}</style><object data=x></object><embed src=y>",
    "data uri": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markdown_is_neutralised(name: str) -> None:
    html = render_markdown(HOSTILE[name]).lower()
    for needle in ("<script", "onclick", "onerror", "javascript:", "<img", "<iframe", "<style", "<object",
                   "<embed", "data:text"):  # fmt: skip
        assert needle not in html, f"{name}: {needle} survived in {html!r}"


def test_ordinary_content_survives_sanitising() -> None:
    html = render_markdown("**Yes.** See [docs](https://docs.harborline.example/sso).\n- SAML\n- OIDC")
    assert "<strong>Yes.</strong>" in html
    assert '<a href="https://docs.harborline.example/sso">docs</a>' in html
    assert re.search(r"<ul>\s*<li>SAML</li>\s*<li>OIDC</li>\s*</ul>", html)


def test_a_list_right_after_a_paragraph_is_a_list() -> None:
    html = render_markdown("**What's included:**\n- SSO\n- SCIM\n\n```\n- code, not a list\n```")
    assert html.count("<li>") == 2 and "<pre><code>- code, not a list" in html
