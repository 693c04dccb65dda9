"""The generated Streamlit UI in a real browser: a project rendered with ui=streamlit is installed
in a fresh virtual environment, its API (uvicorn) and UI (streamlit) run natively on free ports,
and Debian's Chromium, driven by Playwright, uploads a document, asks a question and reads the
answer and its source; with the API stopped, the page says so."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.stacks import dotenv, free_port

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
TIDES = b"""# Tides

The tides follow the moon. Spring tides, the highest of the month, come at new and full moon.
Neap tides are the weakest. Harbour masters publish tide tables a year ahead.
"""
BREAD = b"Sourdough bread needs a starter of flour and water. Bake it at 230 degrees."
# A file name that, read as Markdown, would make the browser fetch an image and show a link.
HOSTILE = "![x](http:attacker.test) [Sign in](http:attacker.test).txt"
ANSWERS = {"ui": "streamlit", "worker": False, "ci": "none", "project_name": "Tide Desk"}


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, (
            f"{url}: exited with {process.returncode}:\n{log.read_text()}"
        )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer in {timeout} s"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def project(rendered, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, python of its fresh virtual environment with the api and ui groups)."""
    path = rendered(ANSWERS)
    venv = tmp_path_factory.mktemp("venv") / ".venv"
    python = venv / "bin" / "python"
    for command in (
        [UV, "venv", "-q", "--python", sys.executable, str(venv)],
        [UV, "pip", "install", "-q", "--python", str(python), "-r", "pyproject.toml"]
        + ["--extra", "api", "--extra", "ui"],
    ):
        result = subprocess.run(
            command, cwd=path, capture_output=True, text=True, timeout=900, check=False
        )
        assert result.returncode == 0, result.stderr
    return path, python


@pytest.fixture
def start(project: tuple[Path, Path], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """start(name, *args, **env): a process of the project's environment, stopped at the end."""
    path, python = project
    processes: list[subprocess.Popen] = []
    logs = []

    def run(name: str, *args: str, **env: str) -> subprocess.Popen:
        environment = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        environment |= {"PYTHONPATH": "src", "PATH": f"{python.parent}:{environment['PATH']}"}
        logs.append((tmp_path / f"{name}.log").open("w"))
        process = subprocess.Popen(
            [str(python), "-m", *args],
            cwd=path,
            env=environment | env,
            stdout=logs[-1],
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield run
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    for log in logs:
        log.close()


@pytest.fixture
def browser_page() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def test_upload_ask_and_see_the_source_then_the_api_down_message(
    start, project, browser_page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    key = dotenv(project[0])["API_KEY"]  # the API reads the project's .env, the UI gets this

    api_port, ui_port = free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    api = start(
        "api",
        "uvicorn",
        "api.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(api_port),
        FAISS_DIR=str(tmp_path / "vectors"),
    )
    ui = start(
        "ui",
        "streamlit",
        "run",
        "src/ui/app.py",
        "--server.port",
        str(ui_port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        API_URL=api_url,
        API_KEY=key,
    )
    wait_until_up(f"{api_url}/healthz", api, tmp_path / "api.log")
    wait_until_up(f"http://127.0.0.1:{ui_port}/_stcore/health", ui, tmp_path / "ui.log")
    assert httpx.get(f"{api_url}/documents").status_code == 401
    headers = {"Authorization": f"Bearer {key}"}
    for name in ("bread.txt", HOSTILE):
        files = {"file": (name, BREAD)}
        httpx.post(f"{api_url}/documents", files=files, headers=headers).raise_for_status()

    page = browser_page
    page.goto(f"http://127.0.0.1:{ui_port}/")
    expect(page.get_by_role("heading", name="Tide Desk")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("2 documents")).to_be_visible()
    # Untrusted text is shown as text: the name literally, no image fetched, no link.
    expect(page.get_by_text(HOSTILE, exact=False)).to_be_visible()
    expect(page.locator("img[src*='attacker'], a[href*='attacker']")).to_have_count(0)

    page.locator("input[type=file]").set_input_files(
        files=[{"name": "tides.md", "mimeType": "text/markdown", "buffer": TIDES}]
    )
    page.get_by_role("button", name="Ingest").click()
    expect(page.get_by_text("Ingested tides.md: 1 chunks")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("3 documents")).to_be_visible()

    question = page.get_by_label("Question")
    question.fill("When are spring tides the highest?")
    question.press("Enter")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_text("new and full moon").first).to_be_visible(timeout=30_000)
    source = page.get_by_text("[1] tides.md · chunk 0")
    expect(source).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
    if shots := os.environ.get("UI_SCREENSHOT_DIR"):
        shutil.copy(tmp_path / "answer.png", Path(shots) / "ui-answer.png")

    api.send_signal(signal.SIGTERM)
    assert api.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it got
    page.reload()
    error = page.get_by_text(f"The API at {api_url} cannot be reached")
    expect(error).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Start it (make up, or make dev)")).to_be_visible()
    expect(page.get_by_role("button", name="Ask")).to_have_count(0)
