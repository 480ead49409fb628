"""ISO 9001 certificates of supplier sites, waivers, and the lot gate they control."""
