"""docs tier of the template's tests."""
