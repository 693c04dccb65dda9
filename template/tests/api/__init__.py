"""Tests of the HTTP API (src/api) through an in-process ASGI client."""
