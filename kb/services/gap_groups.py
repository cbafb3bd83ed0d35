"""The experts' to-do list: open gaps grouped by similar question, largest groups first.

Two gaps are similar when their normalised text is equal, or when their content words (normalised,
stop words dropped) overlap with a Jaccard index of at least ``THRESHOLD``. Groups are the
connected sets of that relation, so the result does not depend on the order gaps were filed in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.models import Gap
from kb.question_text import content_words, jaccard, normalise_question
from kb.services.report_common import ordered_stages

THRESHOLD = 0.5


@dataclass(frozen=True)
class GapGroup:
    question: str  # the representative: the most frequent wording (the newest of equally frequent ones)
    count: int
    stages: dict[str, int] = field(hash=False)  # stage → gaps, in stage order
    gap_ids: tuple[int, ...]  # newest first
    newest: datetime
    wordings: tuple[str, ...]  # distinct questions as logged, most frequent first
    deal_ids: tuple[str, ...]


def similar(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """The grouping rule for two questions, exposed for callers and tests."""
    if normalise_question(a) == normalise_question(b):
        return True
    return jaccard(content_words(a), content_words(b)) >= threshold


class _Parents(dict[str, str]):
    """Union-find over normalised question texts."""

    def find(self, x: str) -> str:
        root = x
        while self.setdefault(root, root) != root:
            root = self[root]
        while self[x] != root:  # path compression
            self[x], x = root, self[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self[max(ra, rb)] = min(ra, rb)


def _link(texts: list[str], threshold: float) -> _Parents:
    parents = _Parents()
    words = {t: content_words(t) for t in texts}
    by_word: dict[str, list[str]] = defaultdict(list)  # only texts sharing a word can be similar
    for t in texts:
        parents.find(t)
        for w in words[t]:
            by_word[w].append(t)
    for t in texts:
        candidates = {o for w in words[t] for o in by_word[w] if o > t}
        for other in candidates:
            if parents.find(t) != parents.find(other) and jaccard(words[t], words[other]) >= threshold:
                parents.union(t, other)
    return parents


def group_gaps(session: Session, status: str | None = "open", *, threshold: float = THRESHOLD) -> list[GapGroup]:
    """Gaps with ``status`` (all when None) grouped by similar question; largest, then newest, first."""
    stmt = select(Gap.id, Gap.question, Gap.stage, Gap.deal_id, Gap.created_at).order_by(
        Gap.created_at.desc(), Gap.id.desc()
    )
    if status:
        stmt = stmt.where(Gap.status == status)
    gaps = session.execute(stmt).all()  # newest first
    if not gaps:
        return []
    norm = {g.id: normalise_question(g.question) for g in gaps}
    parents = _link(sorted(set(norm.values())), threshold)
    members: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for g in gaps:
        members[parents.find(norm[g.id])].append(g)
    order = ordered_stages(session, {g.stage for g in gaps})
    groups = [_group(rows, norm, order) for rows in members.values()]
    groups.sort(key=lambda gr: gr.question)
    groups.sort(key=lambda gr: (gr.count, gr.newest), reverse=True)
    return groups


def _group(rows: list, norm: dict[int, str], order: list[str]) -> GapGroup:  # type: ignore[type-arg]
    # ``rows`` are newest first, so Counter's first-seen order breaks ties in favour of the newest.
    by_text = Counter(norm[g.id] for g in rows)
    top_text = max(by_text, key=by_text.__getitem__)
    question = next(g.question for g in rows if norm[g.id] == top_text)
    wordings = Counter(g.question for g in rows)
    stages = Counter(g.stage for g in rows)
    return GapGroup(
        question=question,
        count=len(rows),
        stages={s: stages[s] for s in order if s in stages},
        gap_ids=tuple(g.id for g in rows),
        newest=rows[0].created_at,
        wordings=tuple(w for w, _ in wordings.most_common()),
        deal_ids=tuple(dict.fromkeys(g.deal_id for g in rows if g.deal_id)),
    )
