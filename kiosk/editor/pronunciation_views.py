"""The "How it sounds" panel: a language's pronunciation lexicon, each entry heard, checked and changed."""

from __future__ import annotations

from collections import Counter

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.editor.blueprint import answer, bp, language, user
from kiosk.editor.sound_views import refuse, send_clip
from kiosk.i18n import gettext as _
from kiosk.speech.lexicon import Lexicon, LexiconError, entry as make_entry, replacement_text, structure_problem
from kiosk.speech.problems import Problem, describe
from kiosk.speech.service import NothingToSay, SpeechService, SpeechUnavailable, Voice, service
from kiosk.speech.validate import check_entries
from kiosk.staff.guard import login_required


def _sentence_counts(speech: SpeechService, lang: str, lexicon: Lexicon) -> Counter[str]:
    """Count, for each entry, the sentences of the kiosk's pages it changes (offered languages only)."""
    if speech.voice(lang) is None or lang not in {found.code for found in i18n.languages().values()}:
        return Counter()
    counts: Counter[str] = Counter()
    for _voice, sentence in speech.page_jobs([lang]):
        counts.update(dict.fromkeys(lexicon.matches(sentence), 1))
    return counts


def _panel(
    lang: str, status: int = 200, form: dict[str, str] | None = None, errors: list[str] | None = None
) -> ResponseReturnValue:
    """Render the panel, with the add or edit form filled in and its problems, if any."""
    described = language(lang)
    speech = service()
    store = speech.pronunciation
    editing = request.args.get("edit", "")
    found = store.find(lang, editing) if editing and form is None else None
    if form is None:
        form = dict.fromkeys(("word", "replacement", "reason", "original"), "")
        if found is not None:
            item = found.entry
            form = {"word": item.word, "replacement": item.replacement, "reason": item.reason, "original": item.word}
    return answer(
        "editor/pronunciation.html",
        status,
        title=_("How it sounds: %(name)s", name=described.name),
        target=described,
        lang=lang,
        voice=speech.voice(lang),
        listed=store.listed(lang),
        removed=store.removed(lang),
        problems=store.problems(lang),
        counts=_sentence_counts(speech, lang, store.lexicon(lang)),
        form=form,
        errors=errors or [],
    )


@bp.get("/<lang>/pronunciation")
@login_required("translator")
def pronunciation(lang: str) -> ResponseReturnValue:
    """List the lexicon of a language, with a form to add an entry or change one."""
    return _panel(lang)


def _voice(lang: str) -> Voice:
    """Return the language's voice, or answer 404: without one, a lexicon changes nothing."""
    voice = service().voice(lang)
    if voice is None:
        abort(404)
    return voice


def _engine_problems(voice: Voice, replacement: str) -> list[Problem]:
    """Ask espeak-ng, in a child process, whether it reads a replacement as meant."""
    job = {"lang": voice.language, "voice": voice.name, "replacement": replacement}
    return check_entries(service().settings, [job])[0]


def _refreshed_message(rendered: int) -> str:
    """Say what a change did to the kiosk's clips."""
    if not rendered:
        return _("The kiosk reads it this way from now on.")
    return _(
        "The kiosk reads it this way from now on; %(count)d sentences on its pages were read again.", count=rendered
    )


@bp.post("/<lang>/pronunciation")
@login_required("translator")
def save_pronunciation(lang: str) -> ResponseReturnValue:
    """Add or change an entry: refused with a reason unless espeak-ng reads it as meant."""
    language(lang)
    voice = _voice(lang)
    form = {name: request.form.get(name, "") for name in ("word", "replacement", "reason", "original")}
    try:
        new = make_entry(form["word"], form["replacement"], form["reason"], "staff")
    except LexiconError as refused:
        return _panel(lang, 422, form, [describe(refused.problem)])
    problems = _engine_problems(voice, new.replacement)
    if problems:
        return _panel(lang, 422, form, [describe(problem) for problem in problems])
    speech = service()
    before = speech.pronunciation.lexicon(lang)
    speech.pronunciation.save(lang, new, user(), replacing=form["original"] or None)
    refreshed = speech.refresh(lang, before)
    flash(_("Saved “%(word)s”.", word=new.word) + " " + _refreshed_message(refreshed.rendered), "info")
    return redirect(url_for(".pronunciation", lang=lang) + f"#word-{anchor(new.word)}", code=303)


@bp.app_template_filter("word_anchor")
def anchor(word: str) -> str:
    """Name an entry's row in the page's address, whatever script the word is in."""
    return word.casefold().encode("utf-8").hex()


@bp.post("/<lang>/pronunciation/remove")
@login_required("translator")
def remove_pronunciation(lang: str) -> ResponseReturnValue:
    """Remove an entry (a shipped one can be put back)."""
    language(lang)
    _voice(lang)
    speech = service()
    word = request.form.get("word", "")
    if speech.pronunciation.find(lang, word) is None:
        flash(_("That word is not in the list any more."), "error")
    else:
        before = speech.pronunciation.lexicon(lang)
        speech.pronunciation.remove(lang, word, user())
        refreshed = speech.refresh(lang, before)
        flash(_("Removed “%(word)s”.", word=word) + " " + _refreshed_message(refreshed.rendered), "info")
    return redirect(url_for(".pronunciation", lang=lang), code=303)


@bp.post("/<lang>/pronunciation/restore")
@login_required("translator")
def restore_pronunciation(lang: str) -> ResponseReturnValue:
    """Put back the shipped entry for a word, undoing the staff's change or removal."""
    language(lang)
    _voice(lang)
    speech = service()
    word = request.form.get("word", "")
    before = speech.pronunciation.lexicon(lang)
    speech.pronunciation.restore(lang, word, user())
    refreshed = speech.refresh(lang, before)
    message = _("Put back the shipped entry for “%(word)s”.", word=word)
    flash(message + " " + _refreshed_message(refreshed.rendered), "info")
    return redirect(url_for(".pronunciation", lang=lang), code=303)


@bp.get("/<lang>/pronunciation/listen.mp3")
@login_required("translator")
def pronunciation_listen(lang: str) -> ResponseReturnValue:
    """Read a word with its entry, without it, or a replacement typed in the form before it is saved."""
    language(lang)
    voice = _voice(lang)
    speech = service()
    word = request.args.get("word", "")[:200]
    replacement = request.args.get("replacement")
    try:
        if replacement is not None:
            problem = structure_problem(word or "x", " ".join(replacement.split()))
            if problem:
                return refuse(describe(problem), 422)
            path = speech.render_spoken(voice, replacement_text(replacement, lang))
        else:
            path = speech.render(voice, word, lexicon=request.args.get("fix", "1") == "1")
    except NothingToSay:
        return refuse(_("There is nothing to read aloud."), 422)
    except SpeechUnavailable:
        return refuse(_("Reading aloud is not working right now. Try again in a minute."), 503)
    return send_clip(path)
