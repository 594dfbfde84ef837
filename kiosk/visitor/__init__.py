"""The visitor's screens: the welcome screen, the topic menu, the sciatica pages and the display choices."""
