"""Tests of the job queue, the worker and the /jobs endpoints, against a real Redis server."""
