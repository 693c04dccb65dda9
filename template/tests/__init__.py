"""Tests of the project: run them with `uv run pytest`."""
