"""Supplier scorecards: KPIs per period, score and grade, live drafts and frozen publications."""
