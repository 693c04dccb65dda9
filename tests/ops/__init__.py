"""ops tier of the template's tests."""
