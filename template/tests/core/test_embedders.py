import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from core.embedders import make_embedder
from core.embedders.base import Embedder
from core.embedders.hashing import HashingEmbedder
from core.embedders.minilm import SHA256, MiniLMEmbedder, model_files
from core.embedders.openai import OpenAIEmbedder
from core.errors import ProviderError
from core.openai_client import make_client
from core.settings import Settings, SettingsError
from tests.core.conftest import OpenAIServer

MakeSettings = Callable[..., Settings]


def test_hashing_vectors_have_the_dimension_and_unit_length() -> None:
    vectors = HashingEmbedder(64).embed(["one text", "another, longer text here", ""])
    assert vectors.shape == (3, 64)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, rtol=1e-5)
    assert not vectors[2].any()  # no words, no direction


def test_hashing_is_lexical_texts_sharing_words_are_closer() -> None:
    embedder = HashingEmbedder(384)
    query, same_words, other_words = embedder.embed(
        ["overdue invoice reminder", "send a reminder for the overdue invoice", "late bills"]
    )
    assert float(query @ same_words) > 0.3
    assert float(query @ same_words) > float(query @ other_words)


def test_hashing_is_the_same_in_another_process() -> None:
    """Vectors stored by one process must match queries embedded by another."""
    code = (
        "from core.embedders.hashing import HashingEmbedder;"
        "print(HashingEmbedder(32).embed(['stable across processes']).tolist())"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    other = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    here = HashingEmbedder(32).embed(["stable across processes"]).tolist()
    np.testing.assert_allclose(json.loads(other), here, rtol=1e-6)


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder(threads=2)


def test_default_embedder_is_minilm(make_settings: MakeSettings) -> None:
    embedder = make_embedder(make_settings())
    assert isinstance(embedder, MiniLMEmbedder)
    assert (embedder.model, embedder.dim) == ("all-MiniLM-L6-v2-int8", 384)


def test_minilm_vectors_have_the_dimension_and_unit_length(minilm: MiniLMEmbedder) -> None:
    texts = ["short", "a longer text, " * 200, ""]  # the long one is cut at 256 tokens
    vectors = minilm.embed(texts)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    # Batched or alone, in any order: the same vectors.
    alone = np.vstack([minilm.embed([text]) for text in reversed(texts)])[::-1]
    np.testing.assert_allclose(vectors, alone, atol=1e-5)
    assert minilm.embed([]).shape == (0, 384)


# Each query, the paraphrase it means, and a text sharing its words but not its meaning.
PARAPHRASES = [
    ("late bills", "overdue invoices", "late for the train"),
    ("how do I reset my password", "forgot my login credentials", "how do I reset the oven clock"),
    ("a car that runs on electricity", "an electric vehicle", "a dog that runs on the beach"),
    ("the patient's heart stopped", "cardiac arrest", "the clock stopped"),
    ("my flight was cancelled", "the airline called off the trip", "my flight of stairs"),
]


def paraphrase_wins(embedder: Embedder) -> list[bool]:
    wins = []
    for query, paraphrase, distractor in PARAPHRASES:
        q, p, d = embedder.embed([query, paraphrase, distractor])
        wins.append(float(q @ p) > float(q @ d))
    return wins


def test_minilm_ranks_paraphrases_above_shared_words(minilm: MiniLMEmbedder) -> None:
    assert all(paraphrase_wins(minilm))


# The same cosines from sentence-transformers' all-MiniLM-L6-v2 (float32, PyTorch).
REFERENCE = [
    (0.5622, 0.4550),
    (0.6656, 0.3882),
    (0.7829, 0.2936),
    (0.6156, 0.4059),
    (0.6044, 0.3444),
]


def test_minilm_agrees_with_the_reference_model(minilm: MiniLMEmbedder) -> None:
    for (query, paraphrase, distractor), expected in zip(PARAPHRASES, REFERENCE, strict=True):
        q, p, d = minilm.embed([query, paraphrase, distractor])
        np.testing.assert_allclose([q @ p, q @ d], expected, atol=0.02)  # int8 weights


def test_hashing_ranks_shared_words_above_paraphrases() -> None:
    """What the semantic embedder is for: the lexical one fails the same pairs."""
    assert not any(paraphrase_wins(HashingEmbedder(384)))


def test_minilm_sends_no_telemetry(tmp_path: Path) -> None:
    """ONNX Runtime's telemetry, when on, first writes a device id under the user's cache."""
    code = "from core.embedders.minilm import MiniLMEmbedder; MiniLMEmbedder().embed(['x'])"
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env |= {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    assert not list(tmp_path.rglob("*")), "ONNX Runtime wrote its telemetry files"


MEMORY_CHECK = """
import random, resource
from core.embedders.minilm import MiniLMEmbedder

def rss_mb():
    status = open("/proc/self/status").read()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024

embedder = MiniLMEmbedder(threads=2)
embedder.embed(["warm up"])
loaded = rss_mb()
rng = random.Random(0)
texts = ["word " * 300] * 32 + [" ".join(["text"] * rng.randint(1, 300)) for _ in range(32)]
embedder.embed(texts)
print(loaded, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_minilm_memory_stays_well_under_the_containers_limit() -> None:
    """ONNX Runtime keeps the memory its largest batch needed: batches of 256-token texts must
    add at most 512 MB to the loaded model (about 300 MB), the API's limit being 1 GB."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    run = subprocess.run(
        [sys.executable, "-c", MEMORY_CHECK], env=env, capture_output=True, text=True, check=True
    )
    loaded, peak = map(int, run.stdout.split())
    assert peak - loaded < 512, f"embedding took {peak - loaded} MB over the loaded {loaded} MB"


def test_minilm_refuses_a_model_file_that_is_not_the_pinned_one(tmp_path: Path) -> None:
    for name, path in model_files(None).items():
        (tmp_path / name).write_bytes(path.read_bytes())
    MiniLMEmbedder(tmp_path)  # the same files, from a folder: accepted
    with (tmp_path / "model.onnx").open("r+b") as model:
        model.seek(1000)
        model.write(b"corrupt")
    with pytest.raises(SettingsError, match=f"sha256 .*expected {SHA256['model.onnx']}"):
        MiniLMEmbedder(tmp_path)
    (tmp_path / "model.onnx").write_bytes(model_files(None)["model.onnx"].read_bytes())
    (tmp_path / "vocab.txt.gz").unlink()
    with pytest.raises(SettingsError, match=r"cannot read vocab\.txt\.gz"):
        MiniLMEmbedder(tmp_path)


def test_minilm_reads_its_model_folder_from_the_environment(
    make_settings: MakeSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINILM_MODEL_DIR", str(tmp_path))
    with pytest.raises(SettingsError, match=f"cannot read .*{tmp_path.name}"):
        make_embedder(make_settings())


def test_minilm_refuses_another_embedding_dim(make_settings: MakeSettings) -> None:
    with pytest.raises(ValidationError, match="EMBEDDING_DIM must be 384"):
        make_settings(embedder="minilm", embedding_dim=768)
    assert make_settings(embedder="hashing", embedding_dim=768).embedding_dim == 768


def test_sentence_transformers_without_the_package_says_how_to_install(
    make_settings: MakeSettings,
) -> None:
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        settings = make_settings(embedder="sentence-transformers")
        with pytest.raises(ProviderError, match="local-embeddings"):
            make_embedder(settings)
    else:
        pytest.skip("not applicable here: sentence-transformers is installed")


@pytest.fixture
def openai_embedder(
    make_settings: MakeSettings, openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> OpenAIEmbedder:
    """EMBEDDER=openai, on the local server."""
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("EMBEDDING_MODEL", "test-embedding")
    embedder = make_embedder(make_settings(embedder="openai", embedding_dim=openai_server.dim))
    assert isinstance(embedder, OpenAIEmbedder)
    return embedder


def test_openai_embedder_calls_the_endpoint(
    openai_embedder: OpenAIEmbedder, openai_server: OpenAIServer
) -> None:
    vectors = openai_embedder.embed(["abc", "hello world"])
    assert vectors.shape == (2, openai_server.dim)
    # Rows follow the "index" of the answer, not its order; each row is unit length.
    assert vectors[0, 0] < vectors[1, 0]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    request = openai_server.requests[0]
    assert request["path"] == "/v1/embeddings"
    assert request["body"] == {"model": "test-embedding", "input": ["abc", "hello world"]}
    assert request["headers"]["Authorization"] == "Bearer test-key"


def test_openai_embedder_batches_large_inputs(
    openai_embedder: OpenAIEmbedder, openai_server: OpenAIServer
) -> None:
    vectors = openai_embedder.embed([f"text {i}" for i in range(150)])
    assert vectors.shape == (150, openai_server.dim)
    assert [len(r["body"]["input"]) for r in openai_server.requests] == [64, 64, 22]


def test_openai_embedder_reports_a_failing_endpoint(
    openai_embedder: OpenAIEmbedder, openai_server: OpenAIServer
) -> None:
    openai_server.fail_with = 503
    with pytest.raises(ProviderError, match="503"):
        openai_embedder.embed(["x"])


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OPENAI_BASE_URL", "not a url", "OPENAI_BASE_URL: Input should be a valid URL"),
        ("EMBEDDING_MODEL", None, "EMBEDDER=openai needs EMBEDDING_MODEL"),
    ],
)
def test_a_bad_openai_setting_is_named(
    make_settings: MakeSettings,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str | None,
    message: str,
) -> None:
    monkeypatch.setenv("EMBEDDING_MODEL", "test-embedding")
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        make_embedder(make_settings(embedder="openai"))
    assert message in str(error.value)


def test_openai_embedder_refuses_vectors_of_another_size(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    embedder = OpenAIEmbedder(make_client(), "m", dim=4)
    with pytest.raises(ProviderError, match="EMBEDDING_DIM"):
        embedder.embed(["x"])
