"""update tier of the template's tests."""
