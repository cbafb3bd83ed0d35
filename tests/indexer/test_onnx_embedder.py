"""The ONNX Runtime embedder computes the numpy reference's vectors; int8 stays close and has its own
stamp; the backend is chosen (and refused) by name; stores follow the chosen backend's stamp."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from indexer.engine import embedding
from indexer.engine.vectors import VectorStore

needs_onnx = pytest.mark.skipif(
    embedding.available() is not None or importlib.util.find_spec("onnxruntime") is None,
    reason="embedding model or ONNX Runtime not installed",
)

TEXTS = [
    "Can we get invoices in Norwegian kroner?",
    "",  # an empty text embeds like "." in every backend
    "SSO",
    "Harbor encrypts data at rest with AES-256 and in transit with TLS 1.2 or newer; keys rotate "
    "every 90 days and customers on Enterprise may bring their own key held in their cloud KMS. " * 6,
    "Wie schnell antwortet der Support? Réponse en français: sous quatre heures ouvrées.",
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return embedding.make_model("numpy").encode(TEXTS, batch=2)


@needs_onnx
def test_onnx_float_gives_the_numpy_vectors(reference: np.ndarray) -> None:
    model = embedding.make_model("onnx")
    vectors = model.encode(TEXTS, batch=2)  # mixed lengths in a batch: padding must not leak in
    assert model.backend == "onnx" and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(1).min() >= 0.9999
    alone = model.encode([TEXTS[3]])[0]  # the same text alone or padded beside shorter ones
    assert float(alone @ vectors[3]) >= 0.99999


@needs_onnx
def test_int8_stays_close_to_the_reference_and_ranks_alike(reference: np.ndarray) -> None:
    model = embedding.make_model("onnx-int8")
    vectors = model.encode(TEXTS)
    assert (vectors * reference).sum(1).min() >= 0.97  # measured 0.975 for a lone "."; long texts 0.99+
    # A question still lands nearest its answer among unrelated texts.
    question, *others = model.encode(["Can we get invoices in Norwegian kroner?",
                                      "Invoices can be issued in EUR, USD, GBP, NOK, SEK and DKK.",
                                      TEXTS[3], TEXTS[4], "How often are backups taken?"])  # fmt: skip
    assert int(np.argmax(np.array(others) @ question)) == 0


def test_stamps_tell_the_backends_vectors_apart(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert embedding.model_stamp("numpy") == embedding.model_stamp("onnx") == embedding.FLOAT_STAMP
    assert embedding.model_stamp("onnx-int8") == embedding.INT8_STAMP != embedding.FLOAT_STAMP
    monkeypatch.setenv(embedding.BACKEND_VARIABLE, "onnx-int8")
    assert VectorStore(tmp_path / "a").model == embedding.INT8_STAMP
    monkeypatch.setenv(embedding.BACKEND_VARIABLE, "numpy")
    assert VectorStore(tmp_path / "b").model == embedding.FLOAT_STAMP


def test_an_unknown_backend_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embedding.BACKEND_VARIABLE, "cuda")
    with pytest.raises(embedding.EmbeddingUnavailable, match="'cuda' is not one of onnx, onnx-int8, numpy"):
        embedding.make_model()
