"""Tests of the web interface (src/ui) against the real API served over HTTP."""
