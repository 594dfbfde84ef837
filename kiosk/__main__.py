"""`kiosk` and `python -m kiosk`: Flask's command line for this app."""

from __future__ import annotations

from flask.cli import FlaskGroup

from kiosk import create_app

main = FlaskGroup(create_app=create_app, help="Run and manage the Sciatica Kiosk.")

if __name__ == "__main__":
    main()
