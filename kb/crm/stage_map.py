"""CRM pipeline stage → journey stage, editable by the team in ``crm_stages.toml`` in the home.

The defaults cover Salesforce's standard opportunity stages and HubSpot's default sales pipeline
(internal names and labels both). A CRM stage mapped to ``results`` marks the deal won (the
post-sale results loop); one mapped to ``win-back`` marks it lost. Keys compare case- and
space-insensitively, so "Closed Won", "closed won" and "closedwon" are one stage.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

CRMS = ("salesforce", "hubspot")

DEFAULTS: dict[str, dict[str, str]] = {
    "salesforce": {
        "Prospecting": "awareness",
        "Qualification": "awareness",
        "Needs Analysis": "consideration",
        "Value Proposition": "consideration",
        "Id. Decision Makers": "consideration",
        "Perception Analysis": "consideration",
        "Proposal/Price Quote": "decision",
        "Negotiation/Review": "decision",
        "Closed Won": "results",
        "Closed Lost": "win-back",
    },
    "hubspot": {
        "appointmentscheduled": "awareness",
        "Appointment Scheduled": "awareness",
        "qualifiedtobuy": "consideration",
        "Qualified To Buy": "consideration",
        "presentationscheduled": "consideration",
        "Presentation Scheduled": "consideration",
        "decisionmakerboughtin": "decision",
        "Decision Maker Bought-In": "decision",
        "contractsent": "decision",
        "Contract Sent": "decision",
        "closedwon": "results",
        "Closed Won": "results",
        "closedlost": "win-back",
        "Closed Lost": "win-back",
    },
}


def stage_key(label: str) -> str:
    return re.sub(r"[\s_\-]+", "", label).casefold()


@dataclass(frozen=True)
class StageMap:
    """For each CRM, normalised CRM stage → journey stage key."""

    stages: dict[str, dict[str, str]]
    source: str = "defaults"

    def journey_stage(self, crm: str, crm_stage: str) -> str | None:
        return self.stages.get(crm, {}).get(stage_key(crm_stage))

    @staticmethod
    def status_for(journey_stage: str) -> str:
        return {"results": "won", "win-back": "lost"}.get(journey_stage, "open")


def _normalised(table: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {crm: {stage_key(k): v for k, v in rows.items()} for crm, rows in table.items()}


def default_text() -> str:
    lines = [
        "# CRM pipeline stage -> Expert Answers journey stage, used by `kb deal import` and the app's",
        "# Journey > Import deals from CRM. Edit to match your own pipeline. A stage mapped to",
        '# "results" marks the deal won; one mapped to "win-back" marks it lost.',
    ]
    for crm, rows in DEFAULTS.items():
        lines += ["", f"[{crm}]"]
        lines += [f'"{k}" = "{v}"' for k, v in rows.items()]
    return "\n".join(lines) + "\n"


def load_stage_map(path: Path, journey_stages: list[str], *, create: bool = True) -> StageMap:
    """The mapping in ``path``, checked against the configured journey stages so a typo is named,
    with its line, before any deal is touched. A missing file is written with the defaults only
    when ``create`` (the home's own ``crm_stages.toml``): a mapping the user named must exist."""
    if path.is_dir():
        raise ValueError(f"{path}: a folder, not a stage mapping file")
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"{path}: no such stage mapping file (leave out --mapping to use the "
                                    "home's crm_stages.toml)")
        path.write_text(default_text(), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    table: dict[str, dict[str, str]] = {crm: dict(rows) for crm, rows in DEFAULTS.items()}
    for crm, rows in data.items():
        if crm not in CRMS or not isinstance(rows, dict):
            raise ValueError(f"{path}: unknown section [{crm}]; expected one of {', '.join(CRMS)}")
        for crm_stage, journey in rows.items():
            if journey not in journey_stages:
                line = next((n for n, row in enumerate(text.splitlines(), 1) if crm_stage in row), None)
                where = f"{path}:{line}" if line else str(path)
                raise ValueError(f"{where} [{crm}]: {crm_stage!r} maps to unknown journey stage {journey!r}; "
                                 f"expected one of {', '.join(journey_stages)}")  # fmt: skip
            table[crm][crm_stage] = journey
    return StageMap(_normalised(table), str(path))
