"""Evaluation metrics, the BEIR reader, the eval/bench CLI wiring and the no-Qt layering rule."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer.cli import measure_cmds
from indexer.measure.evaluation import (
    beir_records,
    evaluate,
    load_dataset,
    mrr_at,
    ndcg_at,
    percentile,
    recall_at,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def beir_dir(tmp_path: Path) -> Path:
    d = tmp_path / "beir"
    d.mkdir()
    corpus = [
        {"id": "d1", "title": "", "text": "term life insurance is cheaper than whole life"},
        {"id": "d2", "title": "", "text": "annuities pay a guaranteed income for retirement"},
        {"id": "d3", "title": "", "text": "medicare part b covers doctor visits"},
        {"id": "d4", "title": "", "text": "car insurance covers collision and liability"},
    ]
    queries = [
        {"id": "q1", "text": "what be an annuity"},
        {"id": "q2", "text": "do medicare cover doctor"},
        {"id": "q3", "text": "no judgement for this one"},
    ]
    (d / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in corpus) + "\n")
    (d / "queries.jsonl").write_text("\n".join(json.dumps(r) for r in queries) + "\n")
    (d / "qrels.tsv").write_text("query_id\tcorpus_id\tscore\nq1\td2\t1\nq2\td3\t1\n")
    return d


def test_metrics_by_hand() -> None:
    rel = {"a": 1.0}
    assert ndcg_at(["a", "b"], rel, 10) == 1.0
    assert ndcg_at(["b", "a"], rel, 10) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert mrr_at(["b", "c", "a"], rel, 10) == pytest.approx(1 / 3)
    assert mrr_at(["b"] * 10 + ["a"], rel, 10) == 0.0
    assert recall_at(["x", "a"], {"a": 1, "b": 1}, 10) == 0.5
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([], 95) == 0.0


def test_load_dataset_skips_header_and_unjudged_queries(beir_dir: Path) -> None:
    ds = load_dataset(beir_dir)
    assert set(ds.queries) == {"q1", "q2"}
    assert ds.qrels["q1"] == {"d2": 1.0}
    assert ds.corpus_size() == 4


def test_beir_records_and_copies(beir_dir: Path) -> None:
    recs = list(beir_records(beir_dir, copies=3))
    assert len(recs) == 12 and len({r.id for r in recs}) == 12
    assert recs[0].kind == "qa" and recs[0].status == "published" and recs[0].verified_on


METRICS = {"ndcg@10", "mrr@10", "recall@10", "recall@100", "p50_ms", "p95_ms", "queries"}


def test_evaluate_end_to_end(beir_dir: Path) -> None:
    m = evaluate(beir_dir, modes=("lexical",))
    assert METRICS <= set(m) and m["mode"] == "lexical" and set(m["modes"]) == {"lexical"}
    assert m["queries"] == 2 and m["ndcg@10"] == 1.0 and m["recall@100"] == 1.0


def test_evaluate_scores_every_mode_in_one_run(beir_dir: Path) -> None:
    m = evaluate(beir_dir, modes=("hybrid", "lexical", "semantic"))
    assert m["mode"] == "hybrid" and set(m["modes"]) == {"hybrid", "lexical", "semantic"}
    for metrics in m["modes"].values():
        assert METRICS <= set(metrics) and metrics["queries"] == 2


def _parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="kb")
    measure_cmds.register(ap.add_subparsers(dest="command", required=True))
    return ap.parse_args(argv)


def test_cli_eval_json(beir_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["eval", str(beir_dir), "--json"])
    assert args.json is True
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["queries"] == 2 and "ndcg@10" in out


def test_cli_eval_table(beir_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["eval", str(beir_dir)])
    assert args.func(args) == 0
    assert "ndcg@10" in capsys.readouterr().out


def test_cli_missing_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["bench", str(tmp_path), "--json"])
    assert args.scale == 1 and args.func(args) == 2
    assert "missing" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_bench_json(beir_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["bench", str(beir_dir), "--scale", "2", "--json"])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    for engine in ("ours", "plain_whoosh"):
        assert out[engine]["items"] == 8
        assert {"items", "build_s", "items_per_s", "p50_ms", "p95_ms", "rss_mb"} <= set(out[engine])
    assert out["ours"]["save_to_found_ms"] >= 0


def test_indexer_imports_without_qt() -> None:
    """STYLE.md §1: kb and indexer never import Qt (checked with PySide6 made unimportable)."""
    code = textwrap.dedent(
        """
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "desktop"):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        import indexer, indexer.engine.search_index, indexer.measure.evaluation, indexer.measure.bench
        import indexer.cli.measure_cmds, indexer.engine.scorer, indexer.engine.highlight
        assert not any(m.startswith(("PySide6", "desktop")) for m in sys.modules)
        print("ok")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
