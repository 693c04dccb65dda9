"""Retrieval evaluation: how well search finds the right documents for labelled questions."""
