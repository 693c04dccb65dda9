"""Ingestion worker: consumes the jobs the API queues in Redis and watches an inbox folder."""
