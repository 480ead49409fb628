"""Two-factor sign-in: TOTP (RFC 6238) enrolment and codes, recovery codes, the admin's reset."""
