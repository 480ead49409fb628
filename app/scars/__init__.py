"""Supplier corrective action requests (SCARs), answered in 8D steps, with an effectiveness check."""
