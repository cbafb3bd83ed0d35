"""Journey stages: ordered, configurable, and following how buyers really buy.

Buyers loop back (knowledge loop, options loop) as stakeholders join, so the order here is a
reading order for reports and the "fits later stages" hint — never a rule that rejects a move.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

UNKNOWN = "unknown"  # the stage recorded when a rep logs an answer with no deal selected


@dataclass(frozen=True, slots=True)
class Stage:
    key: str
    label: str
    description: str


DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("awareness", "Awareness", "Naming the problem; the knowledge loop of learning what is possible."),
    Stage("consideration", "Consideration", "Comparing options; the options loop as new stakeholders weigh in."),
    Stage("decision", "Decision", "Business case, negotiation and contract."),
    Stage("results", "Results", "Post-sale implementation and the results loop that decides renewal."),
    Stage("win-back", "Win-back", "After a lost deal: staying useful until the buyer reconsiders."),
)


class StageConfigError(ValueError):
    pass


def load_stage_config(path: Path) -> tuple[Stage, ...]:
    """Read ``[[stage]]`` tables (key, label, description) from a TOML file, or the defaults."""
    if not path.exists():
        return DEFAULT_STAGES
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StageConfigError(f"{path}: {exc}") from exc
    stages: list[Stage] = []
    for n, row in enumerate(data.get("stage", []), start=1):
        key = str(row.get("key", "")).strip()
        if not key or key == UNKNOWN:
            raise StageConfigError(f"{path}: stage #{n}: field 'key' is missing or reserved")
        stages.append(Stage(key, str(row.get("label") or key.title()), str(row.get("description", ""))))
    if len({s.key for s in stages}) != len(stages):
        raise StageConfigError(f"{path}: duplicate stage key")
    return tuple(stages) or DEFAULT_STAGES


def ahead_of_buyer(item_stages: tuple[str, ...] | list[str], buyer_stage: str | None, order: list[str]) -> bool:
    """True when every stage an answer suits comes after the buyer's current one.

    Contract terms while the buyer is still in awareness: each stage a rep is out of step costs
    win probability, so the app hints (never blocks) before the rep uses such an answer.
    """
    if not buyer_stage or buyer_stage not in order or not item_stages:
        return False
    here = order.index(buyer_stage)
    known = [order.index(s) for s in item_stages if s in order]
    return bool(known) and min(known) > here
