"""What every capability shares: the database and its models, atomic files, htmx partials, assets and time."""
