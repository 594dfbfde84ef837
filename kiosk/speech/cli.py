"""The `kiosk speech` commands: render one text, warm the cache, check the voices, and check the pronunciation."""

from __future__ import annotations

import io
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from kiosk import i18n
from kiosk.core.files import atomic_write
from kiosk.speech import say as phrases
from kiosk.speech.audio import check_mp3
from kiosk.speech.check_report import findings_text, run_check, table
from kiosk.speech.engines.base import EngineUnavailable
from kiosk.speech.phonemes import reader
from kiosk.speech.service import NothingToSay, SpeechError, SpeechUnavailable, Voice, service
from kiosk.speech.text import normalize

speech_cli = AppGroup("speech", help="Read text aloud with the kiosk's voices, and fill the audio cache.")


def _language(tag: str) -> i18n.Language:
    """Find an offered language by tag or code, or stop with a clear message."""
    language = i18n.match(tag, i18n.languages())
    if language is None:
        offered = ", ".join(i18n.languages())
        raise click.UsageError(f"The kiosk does not offer {tag!r}. It offers: {offered}.")
    return language


@speech_cli.command("render")
@click.option("--lang", "tag", required=True, help="Language tag or code, such as es or pt-BR.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="MP3 file to write.")
@click.argument("text", required=False)
def render_command(tag: str, out: Path, text: str | None) -> None:
    """Read TEXT (or standard input) aloud in a language and write it to an MP3 file."""
    language = _language(tag)
    voice = service().voice(language.code)
    if voice is None:
        raise click.ClickException(f"There is no voice for {language.name} ({language.tag}); nothing was written.")
    if text is None:
        text = sys.stdin.read()
    try:
        path = service().render(voice, text)
    except NothingToSay as exc:
        raise click.ClickException(f"Nothing to read aloud: {exc}.") from exc
    except SpeechError as exc:
        raise click.ClickException(f"Reading aloud failed: {exc}.") from exc
    data = path.read_bytes()
    atomic_write(out, data)
    seconds = check_mp3(data).seconds
    click.echo(f"Wrote {out}: {seconds:.1f} s of speech ({voice.name} at {voice.rate} words a minute).")


@speech_cli.command("warm")
@click.option("--lang", "tags", multiple=True, help="Only these languages (repeatable); default all.")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on standard error.")
def warm_command(tags: tuple[str, ...], progress: bool) -> None:
    """Render everything the kiosk says in every voiced language, so no visitor waits.

    That is every sentence of every page, and everything speech mode says: every label, status, note,
    role word, language name, key of the on-screen keyboard, and the numbers it reads.
    """
    speech = service()
    codes = [_language(tag).code for tag in tags] or [language.code for language in i18n.languages().values()]
    unique: dict[tuple[str, str], tuple[Voice, str]] = {}
    for voice, text in [*phrases.phrase_jobs(codes), *speech.page_jobs(codes)]:
        unique.setdefault((voice.language, normalize(text)), (voice, text))
    jobs = list(unique.values())
    started = time.perf_counter()
    counts = {"rendered": 0, "cached": 0, "silent": 0, "failed": 0}
    failures: list[str] = []

    def warm(voice: Voice, sentence: str) -> str:
        """Render one sentence, saying whether it was already cached."""
        if speech.cache.usable(speech.cache.path(speech.key(voice, sentence))):
            return "cached"
        speech.render(voice, sentence)
        return "rendered"

    with ThreadPoolExecutor(max_workers=speech.pool.size) as executor:
        futures = {executor.submit(warm, voice, sentence): (voice, sentence) for voice, sentence in jobs}
        bar_file = sys.stderr if progress else io.StringIO()
        with click.progressbar(length=len(jobs), label="Rendering sentences", file=bar_file) as bar:
            for future in as_completed(futures):
                try:
                    counts[future.result()] += 1
                except NothingToSay:
                    counts["silent"] += 1  # a symbol with no words; the kiosk plays nothing for it
                except SpeechError as exc:
                    counts["failed"] += 1
                    voice, sentence = futures[future]
                    failures.append(f"{voice.language}: {sentence[:60]!r}: {exc}")
                bar.update(1)
    elapsed = time.perf_counter() - started
    voiced = sorted({voice.language for voice, _ in jobs})
    click.echo(
        f"{len(jobs)} clips in {len(voiced)} language{'' if len(voiced) == 1 else 's'} ({', '.join(voiced)}): "
        f"{counts['rendered']} rendered, {counts['cached']} already cached, {counts['silent']} with nothing to say, "
        f"{counts['failed']} failed, in {elapsed:.1f} s."
    )
    for failure in failures[:20]:
        click.echo(f"  failed: {failure}", err=True)
    if counts["failed"]:
        raise click.exceptions.Exit(1)


@speech_cli.command("voices")
def voices_command() -> None:
    """List each language's voice and rate, and try each voice once."""
    speech = service()
    click.echo(f"Engine: {speech.settings.engine}, libespeak-ng: {speech.settings.library}")
    broken = 0
    for language in i18n.languages().values():
        voice = speech.voice(language.code)
        if voice is None:
            click.echo(f"{language.tag:8} {language.name:24} no voice: the page shows a note instead")
            continue
        try:
            # The language's own name, in its own script, makes a short real sample.
            path = speech.render(voice, language.name)
            state = f"works ({check_mp3(path.read_bytes()).seconds:.1f} s sample)"
        except (SpeechUnavailable, NothingToSay) as exc:
            state = f"BROKEN: {exc}"
            broken += 1
        click.echo(f"{language.tag:8} {language.name:24} {voice.name:8} {voice.rate} wpm  {state}")
    if broken:
        raise click.exceptions.Exit(1)


@speech_cli.command("check")
@click.option("--lang", "tags", multiple=True, help="Only these languages (repeatable); default every voiced one.")
@click.option(
    "--catalogs",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Check the catalogs in this folder; default the ones the kiosk serves.",
)
@click.option(
    "--exceptions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accepted findings: lang, word and reason, tab-separated; default pronunciation/exceptions.tsv.",
)
@click.option("--no-lexicon", is_flag=True, help="Check the text as it was before the lexicon and the Arabic fixes.")
def check_command(tags: tuple[str, ...], catalogs: Path | None, exceptions: Path | None, no_lexicon: bool) -> None:
    """Read every voiced catalog through espeak-ng's phonemes; exit 1 on anything not accepted."""
    speech = service()
    codes = [_language(tag).code for tag in tags] or list(speech.voices)
    voices = {code: speech.voices[code].name for code in codes if code in speech.voices and code != "en"}
    try:
        read = reader(speech.settings)
    except EngineUnavailable as exc:
        raise click.ClickException(f"espeak-ng cannot be loaded: {exc}") from exc
    folder = catalogs or Path(current_app.config["LIVE_TRANSLATIONS_DIR"])
    exceptions = exceptions or speech.pronunciation.repo / "exceptions.tsv"
    started = time.perf_counter()
    store = speech.pronunciation
    result = run_check(
        read, voices, folder, None if no_lexicon else store.lexicon, exceptions, lexicon_problems=store.problems
    )
    elapsed = time.perf_counter() - started
    lexicon = "off (as before the lexicon)" if no_lexicon else "on"
    click.echo(f"espeak-ng {read.version}, lexicon {lexicon}, catalogs in {folder}, {elapsed:.1f} s")
    for line in table(result):
        click.echo(line)
    click.echo(f"\n{result.accepted} accepted findings (see {exceptions.name}), {len(result.new)} new.")
    for line in findings_text(result.new):
        click.echo(line)
    for problem in result.problems:
        click.echo(f"  problem: {problem}")
    for lang, word in result.stale_exceptions:
        click.echo(f"  note: the exception {lang} {word!r} matches nothing any more; remove it.")
    if result.failed:
        raise click.exceptions.Exit(1)
