"""Clinics of a chain: the clinics, the kiosk screens each has, and whether those screens are online."""
