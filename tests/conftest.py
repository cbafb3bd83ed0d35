"""Shared fixtures: every test gets its own home (database + index) under tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("EXPERT_ANSWERS_HOME", None)
os.environ.pop("EXPERT_ANSWERS_DB_URL", None)
