"""The MiniLM forward pass as an ONNX graph, built in memory from the packaged safetensors weights.

Why build it here rather than ship or download an ``.onnx`` file: no registry package carries the
model as a graph, and nothing may be fetched at run time. The graph is the same computation as
:class:`indexer.engine.embedding.NumpyMiniLM` (which stays as the reference the tests compare
against), written with ONNX operators and ONNX Runtime's own fused kernels (``MultiHeadAttention``,
``SkipLayerNormalization``, ``BiasGelu``): the graph is for ONNX Runtime only, and needs no
pattern-matching optimizer to reach them.

``int8`` replaces every dense layer's float product with ONNX Runtime's
``DynamicQuantizeMatMul``: weights quantized per output column here, symmetric int8, activations
quantized per batch by the runtime. That is what ``onnxruntime.quantization.quantize_dynamic``
emits, without its file round trip and its extra dependencies.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

DIM = 384
HEADS = 12
LAYERS = 6
OPSET = 17  # LayerNormalization is an ONNX operator from 17 on
#: Names the graph's weights are found under: in-memory "files" handed to ONNX Runtime, which
#: copies what it needs from them (nothing is written to disk). The checkpoint's own buffer is
#: referenced as it is; only int8 weights, made here, need a buffer of their own.
CHECKPOINT_FILE = "model.safetensors"
MADE_FILE = "minilm-made.bin"


class _Graph:
    """Accumulates nodes and initializers with unique names (a small builder over onnx.helper)."""

    def __init__(self, weights: Mapping[str, np.ndarray], checkpoint: bytearray, int8: bool) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.weights, self.int8 = weights, int8
        self.checkpoint = checkpoint
        self._base = np.frombuffer(checkpoint, dtype=np.uint8).ctypes.data
        self.nodes: list = []
        self.initializers: list = []
        self._n = 0
        self._made: list[tuple[int, np.ndarray]] = []
        self._size = 0

    def _external(self, name: str, array: np.ndarray, location: str, offset: int) -> str:
        from onnx import TensorProto

        tensor = TensorProto(name=name, data_type=self.helper.np_dtype_to_tensor_dtype(array.dtype), dims=array.shape)
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", str(offset)), ("length", str(array.nbytes))):
            tensor.external_data.add(key=key, value=value)
        self.initializers.append(tensor)
        return name

    def const(self, name: str, array: np.ndarray) -> str:
        """A constant: small ones inside the graph; a checkpoint weight by its place in the
        checkpoint's buffer (no copy); a weight made here (int8) by its place in :meth:`made`."""
        offset = array.ctypes.data - self._base
        if array.nbytes >= 4096 and array.flags.c_contiguous and 0 <= offset <= len(self.checkpoint) - array.nbytes:
            return self._external(name, array, CHECKPOINT_FILE, offset)
        array = np.ascontiguousarray(array)
        if array.nbytes < 4096:
            self.initializers.append(self.numpy_helper.from_array(array, name))
            return name
        offset = -(-self._size // 64) * 64
        self._made.append((offset, array))
        self._size = offset + array.nbytes
        return self._external(name, array, MADE_FILE, offset)

    def made(self) -> bytearray:
        """The weights made here, in one buffer laid out as their tensors say."""
        out = bytearray(self._size)
        for offset, array in self._made:
            out[offset : offset + array.nbytes] = array.tobytes()
        self._made.clear()
        return out

    def op(self, kind: str, inputs: list[str], domain: str = "", **attrs) -> str:
        self._n += 1
        out = f"{kind.lower()}_{self._n}"
        self.nodes.append(self.helper.make_node(kind, inputs, [out], domain=domain, **attrs))
        return out

    def split(self, x: str, sizes: list[int], axis: int) -> list[str]:
        self._n += 1
        outs = [f"split_{self._n}_{j}" for j in range(len(sizes))]
        sizes_name = self.const(f"split_sizes_{self._n}", np.array(sizes, np.int64))
        self.nodes.append(self.helper.make_node("Split", [x, sizes_name], outs, axis=axis))
        return outs

    def product(self, x: str, name: str, w: np.ndarray | list[np.ndarray]) -> str:
        """``x @ w.T`` for a PyTorch Linear weight ``w`` (out, in), or several stacked along
        ``out``; the bias goes to the fused operator that follows (attention, GELU or the residual
        LayerNorm). Float weights stay the checkpoint's: the runtime folds the transpose once."""
        parts = w if isinstance(w, list) else [w]
        if not self.int8:
            consts = [self.const(f"{name}.weight{j}", part) for j, part in enumerate(parts)]
            stacked = consts[0] if len(consts) == 1 else self.op("Concat", consts, axis=0)
            return self.op("MatMul", [x, self.op("Transpose", [stacked], perm=[1, 0])])
        wt = np.concatenate([part.T for part in parts], axis=1)  # (in, out), one layer at a time
        scale = np.maximum(np.abs(wt).max(axis=0), 1e-12) / 127.0
        q = np.clip(np.round(wt / scale), -127, 127).astype(np.int8)
        inputs = [x, self.const(f"{name}.qweight", q), self.const(f"{name}.scale", scale.astype(np.float32)),
                  self.const(f"{name}.zero", np.zeros(scale.shape, np.int8))]  # fmt: skip
        return self.op("DynamicQuantizeMatMul", inputs, domain="com.microsoft")

    def residual_norm(self, x: str, skip: str, bias: np.ndarray, prefix: str) -> str:
        """LayerNorm(x + bias + skip) in one kernel."""
        w, b = self.weights[prefix + ".weight"], self.weights[prefix + ".bias"]
        inputs = [x, skip, self.const(prefix + ".w", w), self.const(prefix + ".b", b), self.const(prefix + ".in_bias", bias)]
        return self.op("SkipLayerNormalization", inputs, domain="com.microsoft", epsilon=1e-12)

    def layer_norm(self, x: str, prefix: str) -> str:
        w, b = self.weights[prefix + ".weight"], self.weights[prefix + ".bias"]
        return self.op("LayerNormalization", [x, self.const(prefix + ".w", w), self.const(prefix + ".b", b)],
                       axis=-1, epsilon=1e-12)  # fmt: skip


def build(weights: Mapping[str, np.ndarray], checkpoint: bytearray, int8: bool = False) -> tuple[bytes, dict[str, bytearray]]:
    """The serialized graph and the in-memory files its weights are read from (``weights`` are
    views into ``checkpoint``): no protobuf copy of 90 MB of weights, which cost 300 MB at load.

    Inputs ``input_ids`` (int64 b×n) and ``attention_mask`` (float b×n); output ``pooled`` (b×384,
    the mean of the last layer over real tokens, not yet unit length).
    """
    import onnx
    from onnx import TensorProto, helper

    g = _Graph(weights, checkpoint, int8)
    w = weights
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "tokens"])
    pooled = helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", DIM])

    # Embeddings: word + position (the first n rows) + token type 0, then LayerNorm.
    n = g.op("Shape", ["input_ids"], start=1, end=2)  # [tokens], 1-D as Slice wants it
    words = g.op("Gather", [g.const("word_embeddings", w["embeddings.word_embeddings.weight"]), "input_ids"], axis=0)
    where = g.op("Slice", [g.const("position_embeddings", w["embeddings.position_embeddings.weight"]),
                           g.const("from_0", np.array([0], np.int64)), n, g.const("axis_0", np.array([0], np.int64))])  # fmt: skip
    token_type = g.const("token_type", w["embeddings.token_type_embeddings.weight"][0])
    x = g.layer_norm(g.op("Add", [g.op("Add", [words, where]), token_type]), "embeddings.LayerNorm")

    # Padding never attended to: the runtime's fused attention takes the 0/1 mask as int32.
    keep = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        a = p + "attention.self."
        wqkv = [w[a + "query.weight"], w[a + "key.weight"], w[a + "value.weight"]]
        bqkv = np.concatenate([w[a + "query.bias"], w[a + "key.bias"], w[a + "value.bias"]])
        q, k, v = g.split(g.product(x, a + "qkv", wqkv), [DIM, DIM, DIM], axis=2)
        ctx = g.op("MultiHeadAttention", [q, k, v, g.const(a + "qkv.bias", bqkv), keep], domain="com.microsoft",
                   num_heads=HEADS)  # fmt: skip
        out = g.product(ctx, p + "attention.output.dense", w[p + "attention.output.dense.weight"])
        x = g.residual_norm(out, x, w[p + "attention.output.dense.bias"], p + "attention.output.LayerNorm")
        h = g.product(x, p + "intermediate.dense", w[p + "intermediate.dense.weight"])
        # BERT's exact (erf) GELU with the dense layer's bias, one kernel.
        gelu = g.op("BiasGelu", [h, g.const(p + "intermediate.dense.bias", w[p + "intermediate.dense.bias"])],
                    domain="com.microsoft")  # fmt: skip
        o = g.product(gelu, p + "output.dense", w[p + "output.dense.weight"])
        x = g.residual_norm(o, x, w[p + "output.dense.bias"], p + "output.LayerNorm")

    # Mean over real tokens.
    m = g.op("Unsqueeze", ["attention_mask", g.const("axis_2", np.array([2], np.int64))])
    axis1 = g.const("axis_1", np.array([1], np.int64))
    total = g.op("ReduceSum", [g.op("Mul", [x, m]), axis1], keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", ["attention_mask", axis1], keepdims=1), g.const("tiny", np.array(1e-9, np.float32))])
    g.nodes.append(helper.make_node("Div", [total, count], ["pooled"]))

    graph = helper.make_graph(g.nodes, "minilm", [ids, mask], [pooled], initializer=g.initializers)
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="expert-answers")
    model.ir_version = 8  # readable by every ONNX Runtime since 1.10
    files = {CHECKPOINT_FILE: checkpoint, MADE_FILE: g.made()}
    return model.SerializeToString(), {name: data for name, data in files.items() if data}
