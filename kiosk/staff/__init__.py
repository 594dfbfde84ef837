"""Staff: sign-in, accounts and the front-desk dashboard."""
