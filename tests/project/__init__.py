"""project tier of the template's tests."""
