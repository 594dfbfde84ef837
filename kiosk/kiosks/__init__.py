"""Kiosk screens: which ones may call staff (by address, or by a key held in the screen's browser)."""
