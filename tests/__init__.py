"""The template's own tests, one package per tier; shared code lives in tests.support."""
