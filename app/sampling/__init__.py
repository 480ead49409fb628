"""Sampling calculator, and the stored switching state per (supplier, part, class)."""
