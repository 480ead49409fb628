"""Uploaded files: stored outside static/, type checked by content, served only to who may see the parent."""
