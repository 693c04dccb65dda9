"""Tests of the core library (src/core)."""
