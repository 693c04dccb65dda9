"""The UI's API client against the real API over HTTP, and with no API at all."""

import pytest

from ui.client import ApiClient, ApiError, ApiUnavailable

TIDES = b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.\n"


def test_upload_list_search_ask_delete(api_url: str, api_key: str) -> None:
    client = ApiClient(api_url, api_key=api_key)
    client.health()
    result = client.upload("tides.md", TIDES)
    assert result["filename"] == "tides.md"
    page = client.documents()
    assert page["total"] == 1
    assert page["items"][0]["document_id"] == result["document_id"]
    assert client.search("spring tides", 3)[0]["source"] == "tides.md"
    answer = client.ask("When are spring tides?", 3)
    assert "new and full moon" in answer["answer"]
    assert answer["citations"][0]["source"] == "tides.md"
    client.delete(result["document_id"])
    assert client.documents()["total"] == 0


def test_without_the_key_the_api_refuses(api_url: str) -> None:
    with pytest.raises(ApiError) as refused:
        ApiClient(api_url, api_key="a-wrong-key").documents()
    assert refused.value.status_code == 401


def test_refusals_carry_the_api_explanation(api_url: str, api_key: str) -> None:
    client = ApiClient(api_url, api_key=api_key)
    with pytest.raises(ApiError) as refused:
        client.upload("tool.exe", b"MZ")
    assert refused.value.status_code == 415
    assert "not supported" in str(refused.value)
    with pytest.raises(ApiError) as invalid:
        client.search("tides", top_k=500)
    assert invalid.value.status_code == 422
    assert str(invalid.value).startswith("top_k: Input should be less than or equal to 50")
    with pytest.raises(ApiError) as missing:
        client.delete("no-such-document")
    assert missing.value.status_code == 404


def test_an_unreachable_api_is_reported_clearly(closed_url: str) -> None:
    client = ApiClient(closed_url, timeout=5)
    with pytest.raises(ApiUnavailable) as unavailable:
        client.health()
    assert str(unavailable.value).startswith(f"The API at {closed_url} cannot be reached")
