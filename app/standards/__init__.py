"""Craftsmanship standards: revisions, characteristics, and the shared defect catalogue."""
