"""In-app notifications, each with its e-mail: lot and SCAR events, scorecards."""
