"""docker tier of the template's tests."""
