"""Weighted fusion: each side rescaled over its own candidates; with PEAK_POWER, a side whose list
cannot tell its candidates apart gets less say than one with a clear best."""

from __future__ import annotations

import pytest

from indexer.engine import ranking

# Document numbers: 1 is the words' (barely) best among many alike; 2, which words miss, is meaning's clear best.
FLAT_WORDS = [(10.0, 1), (9.9, 3), (9.85, 4), (9.8, 5), (9.8, 6), (9.75, 7), (9.7, 8), (9.7, 9), (9.65, 10), (9.6, 11),
              (0.0, 12)]
PEAKED_MEANING = [(0.82, 2), (0.41, 1), (0.40, 3), (0.39, 4), (0.38, 5), (0.37, 6), (0.36, 7), (0.35, 8), (0.34, 9), (0.30, 10)]


def order(fused: list[tuple[float, int]]) -> list[int]:
    return [d for _v, d in fused]


def test_peak_is_one_for_a_clear_best_and_near_zero_for_a_flat_list() -> None:
    assert ranking._peak(ranking._normalised(PEAKED_MEANING)) > 0.8
    assert ranking._peak(ranking._normalised(FLAT_WORDS)) < 0.05
    assert ranking._peak({7: 1.0}) == 1.0  # one candidate is its own clear best


def test_a_flat_word_list_does_not_outvote_a_clear_meaning_match(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "SCORE_MIX", 0.7)  # words weighted high on purpose
    monkeypatch.setattr(ranking, "PEAK_POWER", 0.0)
    assert order(ranking._weighted(FLAT_WORDS, PEAKED_MEANING))[0] == 1  # fixed mix: the flat side wins
    monkeypatch.setattr(ranking, "PEAK_POWER", 1.0)
    assert order(ranking._weighted(FLAT_WORDS, PEAKED_MEANING))[0] == 2


def test_one_side_alone_keeps_its_own_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for power in (0.0, 1.0, 2.0):
        monkeypatch.setattr(ranking, "PEAK_POWER", power)
        assert order(ranking._weighted(PEAKED_MEANING, [])) == order(sorted(PEAKED_MEANING, key=lambda t: -t[0]))
        assert order(ranking._weighted([], FLAT_WORDS)) == [d for _v, d in FLAT_WORDS]
