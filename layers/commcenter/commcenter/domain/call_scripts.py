"""The team's call scripts (C9): what a rep reads during a call, written by an admin.

The list is kept whole in one item and replaced whole, so its limits keep it within one DynamoDB
item (400 KB) and one request body (256 KB) whatever the characters: 20 scripts of at most 80 + 3,000
characters, at worst 4 bytes each in UTF-8, are about 246 KB. 3,000 characters is some five minutes
read aloud, more than a call script needs.
"""

from __future__ import annotations

import msgspec

from commcenter.errors import ValidationError

MAX_SCRIPTS = 20
MAX_TITLE = 80
MAX_TEXT = 3_000


class CallScript(msgspec.Struct, forbid_unknown_fields=True):
    """A script: the title the softphone offers it by, the text the rep reads."""

    title: str
    text: str


class CallScripts(msgspec.Struct, forbid_unknown_fields=True):
    """The team's call scripts, in the order the softphone offers them (admins replace the list)."""

    items: list[CallScript]


def clean_scripts(items: list[CallScript]) -> list[CallScript]:
    """Titles on one line, texts without blank ends and with `\\n` line breaks, in the given order.

    Raises ValidationError naming every wrong field (`items.{index}.title` or `.text`), so an
    editor can mark each wrong script at once.
    """
    if len(items) > MAX_SCRIPTS:
        raise ValidationError(f"at most {MAX_SCRIPTS} scripts", {"items": f"at most {MAX_SCRIPTS} scripts"})
    cleaned: list[CallScript] = []
    problems: dict[str, str] = {}
    titles: set[str] = set()
    for index, script in enumerate(items):
        title = " ".join(script.title.split())
        text = script.text.replace("\r\n", "\n").replace("\r", "\n").strip()
        where = f"items.{index}"
        if not title:
            problems[f"{where}.title"] = "a title is needed"
        elif len(title) > MAX_TITLE:
            problems[f"{where}.title"] = f"at most {MAX_TITLE} characters"
        elif title.casefold() in titles:
            problems[f"{where}.title"] = "another script has this title"
        if not text:
            problems[f"{where}.text"] = "the script has no text"
        elif len(text) > MAX_TEXT:
            problems[f"{where}.text"] = f"at most {MAX_TEXT:,} characters"
        titles.add(title.casefold())
        cleaned.append(CallScript(title=title, text=text))
    if problems:
        field, problem = next(iter(problems.items()))
        position = int(field.split(".")[1]) + 1
        raise ValidationError(f"script {position}: {problem}", problems)
    return cleaned
