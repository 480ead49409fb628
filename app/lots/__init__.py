"""Production lots: creation, inspection data (grid, findings, files), evaluation and submission."""
