"""Laying a Digest out as plain text and HTML (templates/digest.txt, digest.html).

HTML is autoescaped (``select_autoescape`` goes by the last extension) and every
variable must exist (``StrictUndefined``), so a hostile title stays text and a typo in
a template fails loudly. CSS is written once in a <style> block and inlined into
``style`` attributes afterwards, because many mail clients drop <style>.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from alerts import strings
from alerts.digest import Digest

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=1)
def _inliner() -> css_inline.CSSInliner:
    # keep_style_tags: clients that do read <style> still get the mark/link rules.
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def render(digest: Digest, unsubscribe_url: str) -> RenderedDigest:
    lang = digest.language
    context = {
        "digest": digest,
        "unsubscribe_url": unsubscribe_url,
        "t": lambda key, **values: strings.text(lang, key, **values),
        "label": lambda value: strings.label(lang, value),
        "labels": lambda values: strings.text(lang, "list_separator").join(strings.label(lang, v) for v in values),
    }
    env = _environment()
    text = env.get_template("digest.txt").render(context)
    html = env.get_template("digest.html").render(context)
    return RenderedDigest(subject=digest.subject, text=_tidy(text), html=_inliner().inline(html))


def render_page(template: str, language: str, **values) -> str:
    """A small HTML page (the unsubscribe endpoint's) in the subscriber's language."""
    return _environment().get_template(template).render(
        language=language, t=lambda key, **more: strings.text(language, key, **more), **values)


def _tidy(text: str) -> str:
    """Collapse runs of blank lines the template's conditionals leave behind."""
    lines, blank = [], False
    for line in text.splitlines():
        if line.strip():
            lines.append(line.rstrip())
            blank = False
        elif not blank and lines:
            lines.append("")
            blank = True
    return "\n".join(lines).rstrip() + "\n"
