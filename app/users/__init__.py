"""User administration: admins for everyone, supplier managers for their own team."""
