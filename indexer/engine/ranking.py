"""From a query plan to ranked, collapsed, highlighted hits.

Why a separate step after Whoosh's top-N: the rules that make results useful on a call
(exact question first, the deal's stages a bit higher, near-duplicate answers collapsed into one
row, snippets for the rows shown only) act on a few dozen candidates, which is far cheaper than
teaching them to Whoosh's matchers. Scores come from :mod:`indexer.engine.scorer` (vectorised BM25 over Whoosh postings).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from .analysis import WORD_RE, analyze
from .highlight import make_snippet
from .memo import memo
from .query import Clause, build_plan, parse_text
from .results import Hit, SearchFilters, StillWanted, check
from .schema import FIELD_WEIGHTS, key
from .scorer import FastScorer, top_k

if TYPE_CHECKING:
    from .search_index import SearchIndex

#: BM25 parameters (docs/measurements.md: the grid behind them).
BM25_K1 = 1.2
BM25_B = 0.75
#: Length normalisation for short fields (question, phrasings, tags): length says little there.
SHORT_FIELD_B = 0.3
#: Multiplier for items suited to one of the selected deal's stages.
STAGE_BOOST = 1.25
#: Word-set Jaccard at or above which two answers count as the same answer.
DUPLICATE_JACCARD = 0.9
MIN_DUPLICATE_WORDS = 12
#: Hybrid search: candidates taken from each ranking, and how they are fused: "weighted" (each
#: side's scores min-max normalised over its candidates, SCORE_MIX of the sum from words) or "rrf"
#: (reciprocal ranks, RRF_K and the weights). Weighted fusion at 0.4 measured nDCG@10 0.546 on
#: shared/eval/dev against 0.527 for the best RRF (k 30, words 0.7) and 0.519 for plain RRF k 60
#: (benchmarks/fusion_grid.py, docs/measurements.md).
FUSION_DEPTH = 100
FUSION = "weighted"
SCORE_MIX = 0.4
PEAK_POWER = 0.0
RRF_K = 60
LEXICAL_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0
#: Below this cosine an item is not "about" the question at all: gibberish ("zzqxv") and off-topic
#: questions reach 0.07–0.21 against the demo content, real questions 0.29 and up. Without a floor,
#: meaning search would always return something, and "no answer → Ctrl+G files a gap" would be lost.
MIN_SIMILARITY = 0.25
#: Candidates fetched per wanted hit (room for collapsing and re-ordering).
CANDIDATE_FACTOR = 3
MIN_CANDIDATES = 30
MAX_CANDIDATES = 2000


def _normalised(pairs: list[tuple[float, int]]) -> dict[int, float]:
    if not pairs:
        return {}
    hi, lo = max(v for v, _d in pairs), min(v for v, _d in pairs)
    if hi == lo:  # one candidate (or all tied): each is the best of its list
        return {d: 1.0 for _v, d in pairs}
    return {d: (v - lo) / (hi - lo) for v, d in pairs}


def _peak(normalised: dict[int, float]) -> float:
    """How far one side's best candidate stands above its next nine (0: a flat list that cannot
    tell its candidates apart, 1: one clear answer). ``normalised`` is best-first, scaled to [0, 1]."""
    rest = sorted(normalised.values(), reverse=True)[1:10]
    return 1.0 - sum(rest) / len(rest) if rest else 1.0


def _weighted(lexical: list[tuple[float, int]], semantic: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """Score fusion: each side's scores min-max normalised over its own candidates, then mixed.

    The mix follows how peaked each side is for this question (``PEAK_POWER``; 0 = the fixed
    SCORE_MIX): a side whose list is flat (a common word matched everywhere, a question far from
    every text) cannot tell its candidates apart and gets less say than one with a clear best.
    """
    lex, sem = _normalised(lexical), _normalised(semantic)
    w_lex = SCORE_MIX * _peak(lex) ** PEAK_POWER
    w_sem = (1 - SCORE_MIX) * _peak(sem) ** PEAK_POWER
    if w_lex + w_sem <= 0:
        w_lex, w_sem = SCORE_MIX, 1 - SCORE_MIX
    fused = {d: w_lex * lex.get(d, 0.0) + w_sem * sem.get(d, 0.0) for d in lex.keys() | sem.keys()}
    return sorted(((v, d) for d, v in fused.items()), key=lambda t: (-t[0], t[1]))


def semantic_depth(limit: int) -> int:
    """How many nearest items to ask the vectors for: enough for the fusion after filtering."""
    return 2 * max(limit * CANDIDATE_FACTOR, MIN_CANDIDATES, FUSION_DEPTH)


def make_weighting() -> scoring.WeightingModel:
    """Whoosh weighting for the rare paths that still use Whoosh's own scoring (phrases)."""
    return scoring.BM25F(B=BM25_B, K1=BM25_K1)


class Ranker:
    """Runs one search for :class:`SearchIndex` on a given thread's searcher."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def _cached(self, key: tuple[Any, ...], make: Callable[[], np.ndarray]) -> np.ndarray:
        cache = self.index.thread_cache()
        found = cache.get(key)
        if found is None:
            found = make()
            if len(cache) > 256:
                cache.clear()
            cache[key] = found
        return found

    def _allowed(
        self, sc: FastScorer, filters: SearchFilters, extra: dict[str, list[str]],
        include_drafts: bool,
    ) -> np.ndarray:
        """Live documents passing the filters (cached per searcher: filters repeat a lot)."""
        cats: dict[str, tuple[str, ...]] = {
            "kind": filters.kinds, "tag": filters.tags, "area": filters.areas,
            "stage": filters.stages,
        }
        for f, vals in extra.items():
            cats[f] = tuple(cats.get(f, ())) + tuple(vals)
        cache_key = (
            "allow", include_drafts,
            tuple(sorted((k, tuple(sorted(v))) for k, v in cats.items() if v)),
        )

        def make() -> np.ndarray:
            allowed = sc.live.copy()
            if not include_drafts:
                allowed &= ~sc.docs_with([("keys", key("status", "draft"))])
            for fname, vals in cats.items():
                if not vals:
                    continue
                if fname == "owner":  # every word of the name must occur
                    for v in vals:
                        for w in WORD_RE.findall(v.lower()):
                            allowed &= sc.docs_with([("keys", key("owner", w))])
                else:
                    allowed &= sc.docs_with([("keys", key(fname, v)) for v in vals])
            return allowed

        return self._cached(cache_key, make)

    def _scores(self, sc: FastScorer, clauses: list[Clause], wanted: StillWanted | None = None) -> np.ndarray:
        total = np.zeros(sc.maxdoc, dtype=np.float32)
        vecs: dict[tuple[str, tuple[str, ...] | None], np.ndarray] = {}

        def tv(st: str, fields: tuple[str, ...] | None) -> np.ndarray:
            v = vecs.get((st, fields))
            if v is None:
                v = vecs[(st, fields)] = sc.term_vector(st, fields)
            return v

        for c in clauses:
            check(wanted)  # a pasted email has dozens of words
            alt_vecs = []
            for alt in c.alts:
                parts = [tv(st, c.fields) for st in alt]
                if len(parts) == 1:
                    alt_vecs.append(parts[0])
                else:  # AND: every stem of a multi-word synonym must occur
                    v = np.sum(parts, axis=0)
                    v[np.minimum.reduce(parts) <= 0] = 0.0
                    alt_vecs.append(v)
            cv = alt_vecs[0] if len(alt_vecs) == 1 else np.maximum.reduce(alt_vecs)
            total += np.float32(c.boost) * cv
        return total

    def run(
        self,
        s: Searcher,
        text: str,
        limit: int,
        filters: SearchFilters,
        include_drafts: bool,
        stage_boost: tuple[str, ...],
        neighbours: Future[list[tuple[str, float]]] | None = None,
        *,
        semantic_only: bool = False,
        wanted: StillWanted | None = None,
    ) -> tuple[list[Hit], str | None]:
        parsed = parse_text(text)
        reader = s.reader()
        plan = build_plan(parsed, s, self.index.synonyms)
        if plan.is_empty() and filters.is_empty() and neighbours is None:
            return [], plan.suggestion
        sc = self.index.fast_scorer(s)
        allowed = self._allowed(sc, filters, plan.filters, include_drafts)
        if plan.excludes or plan.phrases or plan.required:
            allowed = allowed.copy()
            for f, st in plan.required:
                allowed &= sc.docs_with([(f, st)])
            if plan.excludes:
                allowed &= ~sc.docs_with(
                    [(f, st) for st in plan.excludes for f in FIELD_WEIGHTS]
                )
            for stems in plan.phrases:
                q = wq.Or([wq.Phrase(f, stems) for f in ("title", "phrasings", "body")])
                allowed &= sc.mask_from_docnums(q.docs(s))
        if plan.clauses:
            scores = self._scores(sc, plan.clauses, wanted)
        else:  # filters only: list what passes, in index order
            scores = np.linspace(1.0, 0.5, sc.maxdoc, dtype=np.float32) if sc.maxdoc else \
                np.zeros(0, dtype=np.float32)

        exact: list[int] = []
        if plan.exact_key and ("keys", key("q", plan.exact_key)) in reader:
            exact = [
                d for d in sc.postings("keys", key("q", plan.exact_key))[0].tolist() if allowed[d]
            ]

        check(wanted)  # words scored; a replaced search skips fusion, grouping and snippets
        n = max(limit * CANDIDATE_FACTOR, MIN_CANDIDATES)
        if neighbours is not None:
            lexical = [] if semantic_only or not plan.clauses else top_k(scores, allowed, max(n, FUSION_DEPTH))
            cands = self._fused(sc, lexical, allowed, neighbours.result(), max(n, FUSION_DEPTH))[:n]
            groups = self._rank(s, cands, exact, stage_boost, wanted)
        else:
            while True:
                cands = top_k(scores, allowed, n)
                groups = self._rank(s, cands, exact, stage_boost)
                if len(groups) >= limit or len(cands) < n or n >= MAX_CANDIDATES:
                    break
                n = min(n * 4, MAX_CANDIDATES)

        today = date.today()
        hits = []
        for rank, (score, fields, dups) in enumerate(groups[:limit], start=1):
            check(wanted)  # a snippet each: the last step a replaced search would waste time on
            hits.append(_make_hit(fields, score, rank, dups, plan.terms, today))
        return hits, plan.suggestion

    def _fused(
        self, sc: FastScorer, lexical: list[tuple[float, int]], allowed: np.ndarray,
        neighbours: list[tuple[str, float]], depth: int,
    ) -> list[tuple[float, int]]:
        """The word ranking and the meaning ranking fused into one, by document number.

        BM25 and cosine live on unrelated scales that shift with every query, so neither is used
        raw: weighted fusion rescales each side over its own candidates (how far above this
        query's weakest candidate), which keeps how much better the best match is — what ranks
        alone (RRF) throw away, and why weighted fusion measured better.
        """
        semantic: list[int] = []
        sims: list[float] = []
        close = [(item_id, sim) for item_id, sim in neighbours if sim >= MIN_SIMILARITY]
        for d, (_i, sim) in zip(sc.docs_of_ids([i for i, _s in close], allowed), close, strict=True):
            if d is not None:  # None: embedded but not (yet) indexed, or filtered out
                semantic.append(d)
                sims.append(sim)
                if len(semantic) >= depth:
                    break
        if FUSION == "weighted":
            return _weighted(lexical, list(zip(sims, semantic, strict=True)))
        fused: dict[int, float] = {}
        for r, (_score, d) in enumerate(lexical):
            fused[d] = fused.get(d, 0.0) + LEXICAL_WEIGHT / (RRF_K + r + 1)
        for r, d in enumerate(semantic):
            fused[d] = fused.get(d, 0.0) + SEMANTIC_WEIGHT / (RRF_K + r + 1)
        return sorted(((v, d) for d, v in fused.items()), key=lambda t: (-t[0], t[1]))

    def _rank(
        self,
        s: Searcher,
        cands: list[tuple[float, int]],
        exact: list[int],
        stage_boost: tuple[str, ...],
        wanted: StillWanted | None = None,
    ) -> list[tuple[float, dict[str, Any], list[str]]]:
        """Exact question matches first, then score (with the stage boost); collapse duplicates."""
        top = cands[0][0] if cands else 1.0
        scored: dict[int, float] = {d: sc for sc, d in cands}
        for i, d in enumerate(exact):  # above everything, in index order
            scored[d] = top * 2 + 1.0 + (len(exact) - i) * 1e-6 + scored.get(d, 0.0) * 1e-3
        boost_set = set(stage_boost)
        rows: list[tuple[float, int, dict[str, Any]]] = []
        stored = memo(s, "stored")
        for n, (d, sc) in enumerate(scored.items()):
            if not n % 32:
                check(wanted)
            fields = stored.get(d)
            if fields is None:
                fields = stored[d] = s.stored_fields(d)
            if boost_set and d not in exact:
                stages = set((fields.get("stage") or "").split(","))
                if stages & boost_set:
                    sc *= STAGE_BOOST
            rows.append((sc, d, fields))
        rows.sort(key=lambda r: (-r[0], r[1]))

        groups: list[tuple[float, dict[str, Any], list[str]]] = []
        words = memo(s, "wordsets")
        sigs: dict[int, int] = {}
        wordsets: list[frozenset[str] | None] = []
        for sc, doc, fields in rows:
            sig = fields.get("sig")
            if sig is not None and sig in sigs:
                groups[sigs[sig]][2].append(fields["id"])
                continue
            ws = words.get(doc, False)
            if ws is False:
                body = fields.get("body") or ""
                ws = frozenset(analyze(body)) if len(body) > 60 else None
                if ws is not None and len(ws) < MIN_DUPLICATE_WORDS:
                    ws = None  # too short to call two answers the same
                words[doc] = ws
            dup_of = _near_duplicate(ws, wordsets) if ws else None
            if dup_of is not None:
                groups[dup_of][2].append(fields["id"])
                continue
            if sig is not None:
                sigs[sig] = len(groups)
            groups.append((sc, fields, []))
            wordsets.append(ws)
        return groups


def _near_duplicate(ws: frozenset[str], kept: list[frozenset[str] | None]) -> int | None:
    for i, other in enumerate(kept):
        if other is None:
            continue
        small, big = sorted((len(ws), len(other)))
        if small < DUPLICATE_JACCARD * big:
            continue
        inter = len(ws & other)
        if inter / (len(ws) + len(other) - inter) >= DUPLICATE_JACCARD:
            return i
    return None


def _split(value: Any) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(",") if v)


def _make_hit(
    fields: dict[str, Any],
    score: float,
    rank: int,
    dups: list[str],
    terms: dict[str, float],
    today: date,
) -> Hit:
    verified = None
    raw = fields.get("verified_on")
    if raw:
        try:
            verified = date.fromisoformat(raw)
        except ValueError:
            verified = None
    review_days = int(fields.get("review_days") or 0)
    stale = verified is None or verified + timedelta(days=review_days) < today
    body = fields.get("body") or fields.get("phrasings") or ""
    return Hit(
        id=fields["id"],
        kind=fields.get("kind", ""),
        title=fields.get("title", ""),
        snippet=make_snippet(body, terms),
        score=float(score),
        rank=rank,
        stages=_split(fields.get("stage")),
        area=fields.get("area", ""),
        tags=_split(fields.get("tag")),
        owner=fields.get("owner", ""),
        stale=stale,
        verified_on=verified,
        duplicates=tuple(dups),
    )
