"""Quick replies: placeholders filled from the record and the rep, what a saved reply may hold."""

from __future__ import annotations

import pytest

from commcenter.domain.quick_replies import (
    MAX_BODY,
    MAX_TITLE,
    QuickReplyInput,
    clean_quick_reply,
    fill_placeholders,
    placeholder_values,
)
from commcenter.errors import ValidationError

ANN = placeholder_values(first_name="Ann", last_name="Lévêque", company="Acme SARL", my_name="Bruno Diaz")


def test_every_placeholder_is_filled_from_the_record_and_the_rep() -> None:
    filled = fill_placeholders("Hi {first_name} {last_name} of {company}, {my_name} here.", ANN)
    assert filled.text == "Hi Ann Lévêque of Acme SARL, Bruno Diaz here."
    assert filled.unknown == []


def test_a_placeholder_is_read_whatever_its_case_and_inner_spaces() -> None:
    assert fill_placeholders("Hi { First_Name },{FIRST_NAME}!", ANN).text == "Hi Ann,Ann!"


def test_a_missing_value_becomes_empty() -> None:
    values = placeholder_values(first_name="Ann", my_name="Bruno")
    filled = fill_placeholders("Hi {first_name} {last_name}, from {company}", values)
    assert filled.text == "Hi Ann , from "
    assert filled.unknown == []
    assert fill_placeholders("{first_name}", {}).text == ""


def test_an_unknown_placeholder_is_kept_as_typed_and_flagged_once() -> None:
    filled = fill_placeholders("Hi {first_name}, your {Order_Number} and {order_number} and {Order_Number}", ANN)
    assert filled.text == "Hi Ann, your {Order_Number} and {order_number} and {Order_Number}"
    assert filled.unknown == ["{Order_Number}", "{order_number}"]


@pytest.mark.parametrize("text", ["{see attached}", "{}", "{ }", "a { b", "{{first_name}}x", "{1st}", "{é}"])
def test_braces_around_anything_else_are_plain_text(text: str) -> None:
    filled = fill_placeholders(text, ANN)
    if text == "{{first_name}}x":  # the inner one is a placeholder; the outer braces stay
        assert filled.text == "{Ann}x"
    else:
        assert filled.text == text
    assert filled.unknown == []


def test_a_value_is_inserted_as_it_is_never_read_as_a_placeholder() -> None:
    values = placeholder_values(first_name="{my_name}", my_name="Bruno")
    assert fill_placeholders("Hi {first_name}", values).text == "Hi {my_name}"


def test_a_reply_is_kept_trimmed_with_its_title_on_one_line() -> None:
    cleaned = clean_quick_reply(QuickReplyInput(title="  Pricing \n follow-up ", body="\r\nLine 1\r\nLine 2\r\n "))
    assert cleaned == QuickReplyInput(title="Pricing follow-up", body="Line 1\nLine 2", shared=False)
    shared = clean_quick_reply(QuickReplyInput(title="t" * MAX_TITLE, body="b" * MAX_BODY, shared=True))
    assert shared.shared and len(shared.title) == MAX_TITLE and len(shared.body) == MAX_BODY


@pytest.mark.parametrize(
    ("title", "body", "fields"),
    [
        ("", "text", {"title"}),
        ("  \n ", "text", {"title"}),
        ("t" * (MAX_TITLE + 1), "text", {"title"}),
        ("Title", " \n ", {"body"}),
        ("Title", "b" * (MAX_BODY + 1), {"body"}),
        ("", "", {"title", "body"}),
    ],
)
def test_a_blank_or_too_long_title_or_body_is_refused_naming_each_field(
    title: str, body: str, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_quick_reply(QuickReplyInput(title=title, body=body))
    assert set(refused.value.fields) == fields
