"""ui tier of the template's tests."""
