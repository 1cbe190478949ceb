"""Every page of every role, in French and in English, read by a browser and two checkers.

Signed in as each demo role (tests/e2e/pages.py lists the pages), Chromium visits every page in both
languages and checks that:
- the interface is in the page's language (a small word-list heuristic over headings, labels, buttons,
  table headers and the navigation: text that people wrote is elsewhere on the page);
- every number an SVG chart writes parses as a number (a decimal comma collapses the curve);
- axe-core (npm, injected into the page) finds no critical and no serious violation;
- the Nu HTML checker (npm vnu-jar, one Java run over all the pages' HTML) finds no error.

All problems are collected and reported together, so that one run shows the whole list.
"""

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from organizations.models import Organization
from tests.test_isolation import ALL_ROUTES

from . import pages
from .conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# allauth's deprecated redirects (accounts/social/...) have no name: they are not pages.
ROUTES = {name: kwargs for _, name, kwargs in ALL_ROUTES if name is not None}

# Words that only one of the two languages uses, as whole words of the interface.
ENGLISH_WORDS = {
    "the", "and", "your", "you", "with", "this", "from", "save", "cancel", "back", "edit", "delete",
    "settings", "search", "people", "show", "what", "who", "when", "which", "to", "of", "new", "add",
    "sign", "out", "change", "password", "home", "members", "skills", "rules", "survey", "surveys",
    "sessions", "session", "goals", "goal", "matches", "my", "none", "yes", "no", "all", "send", "mark",
    "read", "first", "last", "name", "role", "roles", "status", "time",
}  # fmt: skip
FRENCH_WORDS = {
    "le", "la", "les", "des", "du", "une", "et", "vos", "votre", "avec", "pour", "dans", "sur", "est",
    "séance", "séances", "enregistrer", "annuler", "retour", "modifier", "supprimer", "paramètres",
    "membres", "compétences", "objectifs", "accueil", "déconnexion", "ajouter", "nouveau", "nouvelle",
    "mes", "aucun", "aucune", "oui", "non", "tous", "envoyer", "prénom", "nom", "rôle", "statut",
}  # fmt: skip
NOT_THE_LANGUAGE = {"fr": ENGLISH_WORDS, "en": FRENCH_WORDS}

# Where the interface's own words are. Text written by people (skills, goals, survey questions, file
# names...) shows there too: it is taken out by value, from what the database holds (_text_from_people).
# Machine names (<code>: a file's column headers) and text marked with its own lang are left out.
INTERFACE = "h1, h2, h3, h4, label, legend, caption, th, button, .btn, nav a, .nav-link, title"
INTERFACE_TEXT = f"""() => {{
  const texts = [...document.querySelectorAll({json.dumps(INTERFACE)})]
    .filter((element) => !element.closest('[lang]:not(html)'))
    .map((element) => {{
      const copy = element.cloneNode(true);
      copy.querySelectorAll('code, kbd, samp').forEach((machine) => machine.remove());
      return element.tagName + ': ' + (copy.textContent || '').replace(/\\s+/g, ' ').trim();
    }});
  return texts;
}}"""

SVG_NUMBERS = """() => {
  const names = ['x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'width', 'height'];
  const bad = [];
  for (const element of document.querySelectorAll('svg, svg *')) {
    for (const name of names) {
      const value = element.getAttribute(name);
      if (value !== null && !/^-?\\d*\\.?\\d+(e-?\\d+)?%?$/.test(value.trim())) bad.push(`${element.tagName} ${name}="${value}"`);
    }
    for (const name of ['viewBox', 'points']) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      const tokens = value.trim().split(/[\\s,]+/);
      if (tokens.some((token) => !/^-?\\d*\\.?\\d+(e-?\\d+)?$/.test(token))) bad.push(`${element.tagName} ${name}="${value}"`);
      if (name === 'points' && /\\d,\\d+,\\d/.test(value)) bad.push(`${element.tagName} points="${value}"`);
    }
  }
  return bad;
}"""

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations
    .filter((violation) => ['critical', 'serious'].includes(violation.impact))
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.nodes.slice(0, 3)
      .map((node) => node.target.join(' ') + ' ' + (node.failureSummary || '').split('\\n').slice(1, 2).join(''))
      .join(' | ')}`);
}"""


def test_every_url_is_a_page_of_the_audit_or_said_not_to_be():
    """A new URL joins tests/e2e/pages.py (a page to audit) or NOT_PAGES (with why)."""
    listed = {page.name for page in pages.PAGES} | set(pages.NOT_PAGES) | set(pages.SIGNED_OUT_PAGES)
    assert not set(ROUTES) - listed, (
        f"add these URL names to tests/e2e/pages.py: {sorted(set(ROUTES) - listed)}"
    )
    assert not listed - set(ROUTES), (
        f"tests/e2e/pages.py names URLs that are gone: {sorted(listed - set(ROUTES))}"
    )


def _text_from_people():
    """Every free text the database holds (names, titles, questions, file names), longest first."""
    from django.apps import apps
    from django.db import models

    from organizations.tenancy import TenantModel, unscoped

    texts = set()
    with unscoped("the audit reads every organisation's free text to tell it from the interface's"):
        for model in apps.get_models():
            if not issubclass(model, TenantModel) and model._meta.app_label not in {
                "organizations",
                "accounts",
            }:
                continue
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField) and not field.choices
            ]
            if fields:
                for row in model._default_manager.values_list(*fields):
                    for value in row:
                        # Markdown (the charter) shows line by line, without its marks.
                        lines = [value, *value.splitlines()] if isinstance(value, str) else []
                        texts.update(line.strip(" #*-_>\t") for line in lines)
    return sorted((text for text in texts if len(text) >= 4), key=len, reverse=True)


def _without_people_text(text, people_text):
    for value in people_text:
        if value in text:
            text = text.replace(value, " ")
    return text


def _words(text):
    return set(re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.lower()))


def _check_page(page, url, language, response, problems, saved, html_dir, people_text):
    label = f"[{language}] {url}"
    if response.status != 200 or page.url.removeprefix(page.live_server_url) != url:
        problems.append(f"{label}: answered {response.status} at {page.url}")
    html = response.text()
    if page.locator("html").get_attribute("lang") != language:
        problems.append(f"{label}: <html lang> is {page.locator('html').get_attribute('lang')}")
    for text in page.evaluate(INTERFACE_TEXT):
        foreign = (
            _words(_without_people_text(text.split(": ", 1)[-1], people_text)) & NOT_THE_LANGUAGE[language]
        )
        if foreign:
            problems.append(f"{label}: not in {language}: {text[:120]!r} ({', '.join(sorted(foreign))})")
    for bad in page.evaluate(SVG_NUMBERS):
        problems.append(f"{label}: SVG number that does not parse: {bad}")
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate(AXE_RUN):
        problems.append(f"{label}: axe {violation}")
    path = html_dir / f"{len(saved):03d}.html"
    path.write_text(html, encoding="utf-8")
    saved[str(path)] = label


def _vnu(saved, problems):
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.fail("the Nu HTML checker needs Java and node_modules/vnu-jar (npm ci)")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", *saved],
        capture_output=True,
        text=True,
        timeout=600,
    )
    for message in json.loads(result.stdout or "{}").get("messages", []):
        if message.get("type") == "error":
            where = saved.get(message.get("url", "").removeprefix("file:"), message.get("url"))
            problems.append(
                f"{where}: vnu line {message.get('lastLine')}: {message.get('message')} "
                f"({message.get('extract', '').strip()[:80]!r})"
            )


def test_every_page_of_every_role_reads_right_and_passes_axe_and_the_nu_checker(
    browser, live_server, transactional_db, tmp_path
):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` at the repository root")
    started = time.monotonic()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    organization = Organization.objects.get(slug="demo")
    problems: list[str] = []
    saved: dict[str, str] = {}
    visits = 0
    for language in ("fr", "en"):
        people_text = _text_from_people()
        # bypass_csp lets Playwright inject axe: the pages' own CSP stays as it is for their scripts.
        context = browser.new_context(base_url=live_server.url, locale=f"{language}-FR", bypass_csp=True)
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.live_server_url = live_server.url
        for url in [reverse(name) for name in pages.SIGNED_OUT_PAGES]:
            response = page.goto(url)
            _check_page(page, url, language, response, problems, saved, tmp_path, people_text)
            visits += 1
        for role, email in pages.PEOPLE.items():
            user = get_user_model().objects.get(email=email)
            sign_in(page, email, pages.PASSWORD)
            urls = pages.urls_for(role, organization, user, ROUTES)
            people_text = _text_from_people()
            for url in urls:
                response = page.goto(url)
                _check_page(page, url, language, response, problems, saved, tmp_path, people_text)
                visits += 1
            context.clear_cookies()
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
        context.close()
    browsed = time.monotonic() - started
    _vnu(saved, problems)
    print(
        f"{visits} page visits in {browsed:.0f} s, then the Nu checker in {time.monotonic() - started - browsed:.0f} s"
    )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
