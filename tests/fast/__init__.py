"""fast tier of the template's tests."""
