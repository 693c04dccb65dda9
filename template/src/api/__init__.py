"""HTTP API (FastAPI): ingest documents, search and ask. Entry point: `uvicorn api.main:app`."""
