"""The home pages: one per role, with real figures."""
