"""Running the kiosk unattended: structured logs and `kiosk logs`, backups and restores."""
