#!/usr/bin/env python3
"""Writes small random-weight GPT-2 and BERT model folders in Hugging Face's exact layout
(config.json + model.safetensors, tensor names as transformers saves them), for loader tests.

Needs only numpy: safetensors files are written by hand (8-byte little-endian header length,
JSON header padded with spaces to a multiple of 8, then the raw little-endian tensor data).

Folders written under OUT:
  gpt2/             GPT2LMHeadModel as on the Hub: bare names, h.N.attn.bias causal-mask buffers,
                    LM head tied to wte (not stored).
  gpt2-sharded/     the same model saved with the `transformer.` prefix and split over two
                    shards with a model.safetensors.index.json.
  bert-mlm/         BertForMaskedLM: `bert.` prefix, embeddings.position_ids (I64) buffer,
                    cls.predictions head (decoder tied, not stored), no pooler.
  bert-classifier/  BertForSequenceClassification with 3 labels: pooler + classifier.
  bert-sentence/    sentence-transformers layout (BertModel, bare names, pooler, modules.json,
                    1_Pooling/config.json with mean pooling, Normalize module).
  manifest.json     per folder and tensor: dtype, shape, first element and float64 sum of the
                    stored values, so a reader can check values, not just shapes.

Usage: make-random-checkpoints.py OUT [--seed N] [--f16] [--gpt2-dims V,P,E,L,H] [--only gpt2]
                                   [--tokenizer DIR]
  --gpt2-dims   vocab_size,n_positions,n_embd,n_layer,n_head of the GPT-2 folders (default 97,32,16,2,4;
                768-wide 12x12 with 50257/1024 is GPT-2-124M's shape, for benchmarks)
  --only gpt2   write only the single-file gpt2/ folder (the random stream is the same as for a full run)
  --tokenizer   copy vocab.json and merges.txt from DIR into the GPT-2 folders
"""
import argparse
import json
import os
import shutil
import struct

import numpy as np

DTYPE_CODES = {
    np.dtype("float32"): "F32",
    np.dtype("float16"): "F16",
    np.dtype("float64"): "F64",
    np.dtype("int64"): "I64",
    np.dtype("int32"): "I32",
    np.dtype("uint8"): "U8",
    np.dtype("bool"): "BOOL",
}

GPT2 = dict(vocab_size=97, n_positions=32, n_embd=16, n_layer=2, n_head=4)
BERT = dict(vocab_size=101, hidden_size=16, num_hidden_layers=2, num_attention_heads=4,
            intermediate_size=37, max_position_embeddings=40, type_vocab_size=2)


def safetensors_bytes(tensors, metadata=None):
    """Lays tensors out the way the safetensors library does: largest alignment first, then by name."""
    order = sorted(tensors, key=lambda name: (-tensors[name].dtype.itemsize, name))
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in order:
        array = np.ascontiguousarray(tensors[name])
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPE_CODES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_json(path, value):
    with open(path, "w") as file:
        json.dump(value, file, indent=2, sort_keys=True)
        file.write("\n")


def write_safetensors(path, tensors):
    with open(path, "wb") as file:
        file.write(safetensors_bytes(tensors, {"format": "pt"}))


class Weights:
    def __init__(self, rng, f16):
        self.rng, self.dtype = rng, np.float16 if f16 else np.float32
        self.tensors = {}

    def random(self, name, *shape, scale=0.02):
        self.tensors[name] = (self.rng.standard_normal(shape) * scale).astype(self.dtype)

    def norm(self, name, size):
        self.tensors[name + ".weight"] = (1 + self.rng.standard_normal(size) * 0.1).astype(self.dtype)
        self.tensors[name + ".bias"] = (self.rng.standard_normal(size) * 0.1).astype(self.dtype)

    def linear(self, name, out, inputs):
        """torch.nn.Linear: weight [out, in]."""
        self.random(name + ".weight", out, inputs)
        self.random(name + ".bias", out)

    def conv1d(self, name, inputs, out):
        """transformers' Conv1D: weight [in, out]."""
        self.random(name + ".weight", inputs, out)
        self.random(name + ".bias", out)


def gpt2_weights(rng, f16, prefix=""):
    c = GPT2
    embd, inner, positions = c["n_embd"], 4 * c["n_embd"], c["n_positions"]
    w = Weights(rng, f16)
    w.random(prefix + "wte.weight", c["vocab_size"], embd)
    w.random(prefix + "wpe.weight", positions, embd, scale=0.01)
    mask = np.tril(np.ones((positions, positions), dtype=np.float32)).reshape(1, 1, positions, positions)
    for layer in range(c["n_layer"]):
        h = f"{prefix}h.{layer}."
        w.norm(h + "ln_1", embd)
        # The causal mask buffer older transformers saved with every GPT-2 (F32 on the Hub).
        w.tensors[h + "attn.bias"] = mask
        w.conv1d(h + "attn.c_attn", embd, 3 * embd)
        w.conv1d(h + "attn.c_proj", embd, embd)
        w.norm(h + "ln_2", embd)
        w.conv1d(h + "mlp.c_fc", embd, inner)
        w.conv1d(h + "mlp.c_proj", inner, embd)
    w.norm(prefix + "ln_f", embd)
    return w.tensors


def gpt2_config():
    return dict(GPT2, model_type="gpt2", architectures=["GPT2LMHeadModel"], n_ctx=GPT2["n_positions"],
                activation_function="gelu_new", layer_norm_epsilon=1e-05, n_inner=None,
                attn_pdrop=0.1, embd_pdrop=0.1, resid_pdrop=0.1, initializer_range=0.02,
                bos_token_id=GPT2["vocab_size"] - 1, eos_token_id=GPT2["vocab_size"] - 1,
                torch_dtype="float32")


def bert_weights(rng, f16, prefix, pooler):
    c = BERT
    hidden, inner = c["hidden_size"], c["intermediate_size"]
    w = Weights(rng, f16)
    e = prefix + "embeddings."
    w.random(e + "word_embeddings.weight", c["vocab_size"], hidden)
    w.random(e + "position_embeddings.weight", c["max_position_embeddings"], hidden)
    w.random(e + "token_type_embeddings.weight", c["type_vocab_size"], hidden)
    w.norm(e + "LayerNorm", hidden)
    w.tensors[e + "position_ids"] = np.arange(c["max_position_embeddings"], dtype=np.int64).reshape(1, -1)
    for layer in range(c["num_hidden_layers"]):
        l = f"{prefix}encoder.layer.{layer}."
        for part in ("query", "key", "value"):
            w.linear(l + "attention.self." + part, hidden, hidden)
        w.linear(l + "attention.output.dense", hidden, hidden)
        w.norm(l + "attention.output.LayerNorm", hidden)
        w.linear(l + "intermediate.dense", inner, hidden)
        w.linear(l + "output.dense", hidden, inner)
        w.norm(l + "output.LayerNorm", hidden)
    if pooler:
        w.linear(prefix + "pooler.dense", hidden, hidden)
    return w


def bert_config(architecture, **extra):
    return dict(BERT, model_type="bert", architectures=[architecture], hidden_act="gelu",
                layer_norm_eps=1e-12, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
                initializer_range=0.02, pad_token_id=0, position_embedding_type="absolute",
                torch_dtype="float32", **extra)


def summarize(tensors):
    return {name: {"dtype": DTYPE_CODES[array.dtype], "shape": list(array.shape),
                   "first": float(array.reshape(-1)[0]) if array.size else None,
                   "sum": float(array.astype(np.float64).sum())}
            for name, array in tensors.items()}


def copy_tokenizer(source, folder):
    if source:
        for name in ("vocab.json", "merges.txt"):
            shutil.copyfile(os.path.join(source, name), os.path.join(folder, name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="directory to write the model folders into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--f16", action="store_true", help="store weights as float16 (buffers keep their types)")
    parser.add_argument("--gpt2-dims", help="vocab_size,n_positions,n_embd,n_layer,n_head for the GPT-2 folders")
    parser.add_argument("--only", choices=["gpt2"], help="write only this folder")
    parser.add_argument("--tokenizer", help="folder whose vocab.json and merges.txt are copied into GPT-2 folders")
    args = parser.parse_args()
    if args.gpt2_dims:
        values = [int(v) for v in args.gpt2_dims.split(",")]
        if len(values) != 5:
            parser.error("--gpt2-dims needs five integers: vocab_size,n_positions,n_embd,n_layer,n_head")
        GPT2.update(zip(["vocab_size", "n_positions", "n_embd", "n_layer", "n_head"], values))
    rng = np.random.default_rng(args.seed)
    manifest = {}

    def folder(name):
        path = os.path.join(args.out, name)
        os.makedirs(path, exist_ok=True)
        return path

    # GPT-2, single file, as on the Hub.
    path = folder("gpt2")
    tensors = gpt2_weights(rng, args.f16)
    write_json(os.path.join(path, "config.json"), gpt2_config())
    write_safetensors(os.path.join(path, "model.safetensors"), tensors)
    manifest["gpt2"] = summarize(tensors)
    copy_tokenizer(args.tokenizer, path)
    if args.only == "gpt2":
        write_json(os.path.join(args.out, "manifest.json"), manifest)
        return

    # GPT-2 with the GPT2LMHeadModel prefix, in two shards.
    path = folder("gpt2-sharded")
    tensors = gpt2_weights(rng, args.f16, prefix="transformer.")
    names = sorted(tensors)
    shards = {"model-00001-of-00002.safetensors": names[: len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2:]}
    weight_map = {}
    for shard, shard_names in shards.items():
        write_safetensors(os.path.join(path, shard), {n: tensors[n] for n in shard_names})
        weight_map.update({n: shard for n in shard_names})
    total = sum(array.nbytes for array in tensors.values())
    write_json(os.path.join(path, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": weight_map})
    write_json(os.path.join(path, "config.json"), gpt2_config())
    manifest["gpt2-sharded"] = summarize(tensors)
    copy_tokenizer(args.tokenizer, path)

    # BERT with the masked-LM head.
    path = folder("bert-mlm")
    w = bert_weights(rng, args.f16, "bert.", pooler=False)
    hidden, vocab = BERT["hidden_size"], BERT["vocab_size"]
    w.linear("cls.predictions.transform.dense", hidden, hidden)
    w.norm("cls.predictions.transform.LayerNorm", hidden)
    w.random("cls.predictions.bias", vocab)
    write_json(os.path.join(path, "config.json"), bert_config("BertForMaskedLM"))
    write_safetensors(os.path.join(path, "model.safetensors"), w.tensors)
    manifest["bert-mlm"] = summarize(w.tensors)

    # BERT sequence classifier, three labels.
    path = folder("bert-classifier")
    w = bert_weights(rng, args.f16, "bert.", pooler=True)
    labels = ["negative", "neutral", "positive"]
    w.linear("classifier", len(labels), hidden)
    write_json(os.path.join(path, "config.json"), bert_config(
        "BertForSequenceClassification", id2label={str(i): l for i, l in enumerate(labels)},
        label2id={l: i for i, l in enumerate(labels)}))
    write_safetensors(os.path.join(path, "model.safetensors"), w.tensors)
    manifest["bert-classifier"] = summarize(w.tensors)

    # sentence-transformers (all-MiniLM-L6-v2 layout).
    path = folder("bert-sentence")
    w = bert_weights(rng, args.f16, "", pooler=True)
    write_json(os.path.join(path, "config.json"), bert_config("BertModel"))
    write_safetensors(os.path.join(path, "model.safetensors"), w.tensors)
    write_json(os.path.join(path, "modules.json"), [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    os.makedirs(os.path.join(path, "1_Pooling"), exist_ok=True)
    write_json(os.path.join(path, "1_Pooling", "config.json"), {
        "word_embedding_dimension": hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False})
    manifest["bert-sentence"] = summarize(w.tensors)

    write_json(os.path.join(args.out, "manifest.json"), manifest)


if __name__ == "__main__":
    main()
