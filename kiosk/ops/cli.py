"""`kiosk backup`, `kiosk restore` and `kiosk logs`: the commands a clinic's administrator runs."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from kiosk.core.clock import zone_of
from kiosk.ops import backup, logs, problems
from kiosk.ops.archive import BackupError
from kiosk.ops.restore import check as restore_check, restore

FOLDER = click.Path(file_okay=False, path_type=Path)
KINDS = {"translations": "translations", "translation-history": "translation history", "recordings": "recordings"}


def describe_snapshot(manifest: dict[str, Any]) -> str:
    """Return what a snapshot holds, in a few plain lines."""
    rows = manifest["database"].get("rows", {})
    folders = Counter(
        name.split("/")[1] if name.startswith("data/") else name.split("/")[0] for name in manifest.get("files", {})
    )
    parts = [f"{count} {KINDS.get(folder, folder)} files" for folder, count in sorted(folders.items()) if count > 1]
    parts += [folder for folder, count in sorted(folders.items()) if count == 1 and folder != "database"]
    return (
        f"  made {manifest.get('created', '?')} on {manifest.get('host', '?')} ({manifest.get('kiosk', '')}), "
        f"kiosk version {manifest.get('version', '?')}\n"
        f"  database: {manifest['database']['backend']}, schema {manifest['database'].get('revision')}, "
        f"{rows.get('tickets', 0)} requests, {rows.get('staff', 0)} staff accounts\n"
        f"  files: {', '.join(parts) or 'none'}"
    )


@click.command("backup")
@click.argument("folder", required=False, type=FOLDER)
@click.option("--to", "to", type=FOLDER, help="Folder to write the snapshot in. Default: BACKUP_DIR.")
@click.option("--keep", type=click.IntRange(min=1), help="How many snapshots to keep there. Default: BACKUP_KEEP (14).")
@with_appcontext
def backup_command(folder: Path | None, to: Path | None, keep: int | None) -> None:
    """Write one snapshot of the database, translations, recordings and settings; keep the newest N."""
    if folder and to and folder != to:
        raise click.UsageError("Give the folder once: as an argument or with --to.")
    app = current_app
    target = (to or folder or backup.backup_dir(app)).absolute()
    keep = keep or int(app.config["BACKUP_KEEP"])
    try:
        final, manifest, removed = backup.run(backup.Sources.for_app(app), target, keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written: {final} ({final.stat().st_size / 1e6:.1f} MB)")
    click.echo(describe_snapshot(manifest))
    if removed:
        click.echo(f"Kept the newest {keep}; removed {len(removed)} older: {', '.join(p.name for p in removed)}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Only check the file, member by member, against its manifest.")
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
@with_appcontext
def restore_command(file: Path, check: bool, yes: bool) -> None:
    """Put a snapshot back: checked whole first; the data there now is saved beside the backups."""
    app = current_app
    sources = backup.Sources.for_app(app)
    asking = not yes and sys.stdin is not None and sys.stdin.isatty()

    def confirm(manifest: dict[str, Any]) -> bool:
        """Say what the checked snapshot holds and, at a terminal, ask before anything changes."""
        click.echo(f"{file.name} is complete and undamaged:\n{describe_snapshot(manifest)}")
        return not asking or click.confirm(f"Replace the data in {sources.data_dir} with it?")

    try:
        if check:
            click.echo(f"{file.name} is complete and undamaged:\n{describe_snapshot(restore_check(file, sources))}")
            return
        outcome = restore(file, sources, backup.backup_dir(app), confirm)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    if outcome.safety_copy is not None:
        click.echo(f"The data that was here is saved in {outcome.safety_copy}")
    click.echo("Restored. Start the kiosk server again (sudo systemctl start sciatica-kiosk).")


@click.command("logs")
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=1), help="How far back to look.")
@click.option("--all", "everything", is_flag=True, help="Show every event, not only problems.")
@click.option("-n", "--lines", default=30, show_default=True, type=click.IntRange(min=1), help="At most this many.")
@with_appcontext
def logs_command(days: int, everything: bool, lines: int) -> None:
    """Show the last problems (warnings and errors) in plain words, from the journal and the log file."""
    config = current_app.config
    since = datetime.now(UTC) - timedelta(days=days)
    worst = 6 if everything else 4
    found: list[problems.Problem] = []
    read: list[str] = []
    try:
        units = list(config["LOG_JOURNAL_UNITS"])
        found += problems.from_journal(units, since, worst, config["LOG_JOURNAL_DIRECTORY"])
        read.append("the systemd journal")
    except problems.JournalUnavailable as error:
        click.echo(f"(The systemd journal was not read: {error}.)", err=True)
    path = logs.log_file(Path(current_app.instance_path))
    if path.exists():
        found += [problem for problem in problems.from_file(path, since) if problem.priority <= worst]
        read.append(str(path))
    shown = problems.grouped(found)[-lines:]
    kind = "events" if everything else "problems"
    if not shown:
        click.echo(f"No {kind} in the last {days} days (read {' and '.join(read) or 'nothing'}).")
        return
    click.echo(f"The last {kind} of the last {days} days, oldest first (from {' and '.join(read)}):")
    zone = zone_of(config["TIMEZONE"])
    now = datetime.now(UTC)
    for problem in shown:
        click.echo(problems.describe(problem, zone, now))
