"""Visitor routes through Flask's test client."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk.visitor import content
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations, set_translation
from tests.helpers.visitor_pages import VISITOR_PATHS


def test_every_visitor_page_renders(client: FlaskClient) -> None:
    for path in VISITOR_PATHS:
        response = client.get(f"/en{path}")
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"


def test_bare_address_goes_to_the_home_screen_in_the_visit_language(client: FlaskClient) -> None:
    assert client.get("/").headers["Location"] == "/en/"
    client.get("/es/topics")
    assert client.get("/").headers["Location"] == "/es/"


def test_htmx_navigation_gets_only_the_screen_and_a_title(
    client: FlaskClient, hx: Callable[..., dict[str, str]]
) -> None:
    response = client.get("/en/topics/symptoms", headers=hx())
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<title>Symptoms: how it feels")
    assert '<div id="kiosk-screen"' in body
    assert "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_history_restore_gets_the_whole_page(client: FlaskClient, hx: Callable[..., dict[str, str]]) -> None:
    response = client.get("/en/topics/symptoms", headers=hx(**{"HX-History-Restore-Request": "true"}))
    assert "<html" in response.get_data(as_text=True)


def test_topic_pages_show_their_place_and_link_back_to_their_parent(client: FlaskClient) -> None:
    body = client.get("/en/topics/spondylolisthesis").get_data(as_text=True)
    assert 'aria-current="page">Spondylolisthesis<' in body
    assert 'href="/en/topics/causes" data-nav="back"' in body
    assert 'href="/en/" data-nav="home"' in body


def test_causes_page_links_to_all_four_causes(client: FlaskClient) -> None:
    body = client.get("/en/topics/causes").get_data(as_text=True)
    for slug in ("slipped-disc", "piriformis-syndrome", "spinal-stenosis", "spondylolisthesis"):
        assert f'href="/en/topics/{slug}"' in body


def test_every_page_offers_get_help_now_booking_and_the_disclaimer(client: FlaskClient) -> None:
    for path in VISITOR_PATHS:
        body = client.get(f"/en{path}").get_data(as_text=True)
        assert "Get help now" in body, path
        # The urgent screen, where Get help now leads, keeps booking apart.
        assert ("Talk to staff about booking" in body) is (path != "/talk-to-staff/urgent"), path
        if not path.startswith("/talk-to-staff"):
            assert "general information only" in body, path


def test_urgent_page_shows_both_care_cards_with_every_sign_and_the_number(client: FlaskClient) -> None:
    body = client.get("/en/topics/urgent-help").get_data(as_text=True)
    card = html.unescape(body[body.index('id="emergency"') : body.index('id="today"')])
    assert "Emergency: call 112 or tell staff now" in card
    for sign in content.EMERGENCY_CARD.texts[2:]:
        assert str(sign) in card
    # The card's own button makes the same urgent request as the one at the foot of every screen.
    assert 'action="/en/talk-to-staff/urgent"' in card
    later = body[body.index('id="today"') :]
    assert "See a doctor today" in later
    for today in ("A fever (high temperature)", "cancer now, or had it in the past", "One leg is getting weaker"):
        assert today in later
    assert "%(number)s" not in body
    assert "call 112 or go to a hospital emergency department" in body


def test_the_configured_emergency_number_is_what_every_page_shows(tmp_path: Path) -> None:
    client = make_app(tmp_path / "data", EMERGENCY_NUMBER="999").test_client()
    body = client.get("/fr/topics/urgent-help").get_data(as_text=True)
    assert "999" in body
    assert "112" not in body


def test_weakness_on_the_symptoms_page_is_a_warning_that_links_to_the_urgent_page(client: FlaskClient) -> None:
    body = client.get("/en/topics/symptoms").get_data(as_text=True)
    link = body[body.index('class="kiosk-warning__link"') :]
    link = link[: link.index("</a>")]
    assert 'href="/en/topics/urgent-help"' in link
    assert "hard to move the knee, the foot or the toes" in link


@pytest.mark.parametrize(("tag", "day"), [("en", "November 30, 2026"), ("es", "30 de noviembre de 2026")])
def test_every_topic_page_names_its_sources_and_when_it_was_last_reviewed(tmp_path: Path, tag: str, day: str) -> None:
    client = make_app(tmp_path / "data", CONTENT_REVIEWED="2026-11-30").test_client()
    for topic in content.TOPICS:
        body = client.get(f"/{tag}/topics/{topic.slug}").get_data(as_text=True)
        assert day in body[body.index("data-reviewed") :], topic.slug
    body = client.get("/en/topics/massage").get_data(as_text=True)
    sources = html.unescape(body[body.index('class="kiosk-sources"') :])
    for label in ("Our clinic's own notes", "NICE guideline NG59", "Cochrane review", "NHS"):
        assert label in sources, label


def test_the_welcome_screen_asks_whether_massage_might_help(client: FlaskClient) -> None:
    body = client.get("/en/").get_data(as_text=True)
    assert "whether massage might help" in body
    assert "how massage can help" not in body


def test_nerve_drawing_has_a_text_alternative(client: FlaskClient) -> None:
    body = client.get("/en/topics/what-is-sciatica").get_data(as_text=True)
    assert 'role="img" aria-labelledby="kiosk-nerve-alt"' in body
    assert str(content.NERVE_ALT) in body


def test_unknown_topic_is_a_friendly_404_in_the_visitor_language(client: FlaskClient) -> None:
    response = client.get("/es/topics/nothing-here")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert 'lang="es"' in body
    assert "Traceback" not in body
    assert 'href="/es/" data-nav="home"' in body


def test_the_language_screen_offers_this_very_screen_in_every_language(client: FlaskClient) -> None:
    page = client.get("/en/topics/symptoms").get_data(as_text=True)
    assert 'href="/en/language?next=/en/topics/symptoms"' in page
    body = client.get("/en/language?next=/en/talk-to-staff/when?reason%3Dbook").get_data(as_text=True)
    for tag in ["en", "es", "fr", "pt-BR", "zh-Hans", "vi", "ar", "ru", "fil"]:
        assert f'href="/{tag}/talk-to-staff/when?reason=book" hx-boost="false"' in body, tag
    assert 'href="/en/talk-to-staff/when?reason=book" data-nav="back"' in body


def test_the_language_screen_never_leads_off_the_kiosks_screens(client: FlaskClient) -> None:
    for target in ["https://example.org/", "//evil.example/en/", "/staff/", "/xx/topics", ""]:
        body = client.get("/en/language", query_string={"next": target}).get_data(as_text=True)
        assert 'href="/es/" hx-boost="false"' in body, target
        assert "example" not in body
        assert "/staff/" not in body


def test_a_query_string_goes_along_with_the_language_link(client: FlaskClient) -> None:
    page = client.get("/es/talk-to-staff/name?reason=book&when=today").get_data(as_text=True)
    assert 'href="/es/language?next=/es/talk-to-staff/name?reason%3Dbook%26when%3Dtoday"' in page


def test_topic_pictures_have_translated_text_alternatives(client: FlaskClient) -> None:
    from kiosk.visitor.pictures import PICTOGRAM_ALTS

    for topic in content.TOPICS:
        assert topic.icon in PICTOGRAM_ALTS, topic.slug
        body = client.get(f"/en/topics/{topic.slug}").get_data(as_text=True)
        assert f'role="img" aria-label="{PICTOGRAM_ALTS[topic.icon].message_id}"' in body
    # On a button the picture is decoration: the label names the button.
    menu = client.get("/en/topics").get_data(as_text=True)
    assert menu.count('class="kiosk-picto kiosk-picto--') == len(content.MENU)
    assert 'role="img"' not in menu.split('<ul class="kiosk-menu')[1].split("</ul>")[0]


def test_the_invitation_lists_each_language_that_has_translated_it(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    for lang in ("fil", "fr", "pt_BR", "ru", "vi", "zh_Hans"):
        set_translation(translations, lang, "Touch the screen to start", "")  # not translated (yet)
    set_translation(translations, "es", "Touch the screen to start", "Toque la pantalla para empezar")
    set_translation(translations, "ar", "Touch the screen to start", "المس الشاشة للبدء")
    app = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations))
    body = app.test_client().get("/ru/").get_data(as_text=True)
    line = body.split('data-attract aria-hidden="true" hidden>')[1].split("</p>")[0]
    # In the kiosk's order, only the languages that have it (an untranslated one would only repeat English).
    assert line == (
        '<span lang="en" dir="ltr">Touch the screen to start</span>'
        '<span lang="es" dir="ltr">Toque la pantalla para empezar</span>'
        '<span lang="ar" dir="rtl">المس الشاشة للبدء</span>'
    )


def test_the_nerve_drawing_lights_one_leg(client: FlaskClient) -> None:
    body = client.get("/en/topics/what-is-sciatica").get_data(as_text=True)
    assert body.count('class="kiosk-figure__nerve"') == 1
    assert body.count('class="kiosk-figure__glow"') == 1
    assert "in one leg" in str(content.NERVE_ALT.message_id)


def test_a_poll_that_changes_nothing_in_the_visit_sends_no_cookie(client: FlaskClient) -> None:
    # A cookie on every answer could land after the idle reset's and bring the last visit's session back.
    client.get("/es/talk-to-staff/name?reason=question")
    client.post("/es/talk-to-staff/name", data={"reason": "question", "skip_name": "1"})
    for path in ["/es/talk-to-staff/ticket/status", "/es/talk-to-staff/ticket/chip", "/es/topics"]:
        response = client.get(path, headers={"HX-Request": "true"})
        assert response.status_code in (200, 204), path
        assert "Set-Cookie" not in response.headers, path
    # A new language is remembered, with a cookie.
    assert "Set-Cookie" in client.get("/fr/topics").headers
