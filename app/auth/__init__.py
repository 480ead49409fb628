"""Accounts: sign-in, sign-out, passwords, invitation and reset links."""
