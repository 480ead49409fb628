"""Suppliers (OEMs) and their factory sites."""
