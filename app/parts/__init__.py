"""Parts, and which supplier may make which part at which site."""
