"""What counts as one emoji for a reaction (``messaging.emoji``): every shape of emoji sequence
is one, text, two emoji and control characters are not."""

from __future__ import annotations

import pytest

from messaging.emoji import is_single_emoji

ONE = {
    "a face": "😀",
    "a text-default symbol with VS16": "❤️",
    "a skin tone": "👍🏽",
    "a ZWJ family": "👨‍👩‍👧‍👦",
    "a ZWJ with skin tones": "🧑🏽‍💻",
    "a ZWJ with a gender sign and VS16": "🏌🏽‍♀️",
    "a rainbow flag (VS16 then ZWJ)": "🏳️‍🌈",
    "a country flag": "🇩🇪",
    "a keycap": "1️⃣",
    "a keycap without VS16": "#\u20e3",
    "a subdivision flag (tags)": "\U0001f3f4"
    + "".join(chr(0xE0000 + ord(c)) for c in "gbsct")
    + "\U000e007f",
    "a kiss with two skin tones": "🧑🏻‍❤️‍💋‍🧑🏼",
}

NOT_ONE = {
    "empty": "",
    "a letter": "a",
    "a word": "ok",
    "a digit": "1",
    "a smiley in text": ":)",
    "two emoji": "👍👍",
    "two flags": "🇩🇪🇫🇷",
    "one regional indicator": "🇩",
    "an emoji and a space": "👍 ",
    "an emoji and a letter": "👍a",
    "a lone skin tone after text": "a🏽",
    "a lone ZWJ": "\u200d",
    "a dangling ZWJ": "👍\u200d",
    "a doubled ZWJ": "👨\u200d\u200d👩",
    "a control character": "👍\x00",
    "a newline": "👍\n",
    "a keycap on a letter": "a\u20e3",
    "a keycap with more after it": "1\u20e3\u20e3",
    "tags without the black flag": "😀\U000e0067\U000e007f",
    "two variation selectors": "❤\ufe0f\ufe0f",
    "a very long sequence": "\u200d".join(["👨"] * 20),
    "CJK": "漢",
    "a box-drawing symbol": "─",
}


@pytest.mark.parametrize("text", ONE.values(), ids=ONE.keys())
def test_every_shape_of_one_emoji_is_one_emoji(text):
    assert is_single_emoji(text)


@pytest.mark.parametrize("text", NOT_ONE.values(), ids=NOT_ONE.keys())
def test_text_two_emoji_and_control_characters_are_not_one_emoji(text):
    assert not is_single_emoji(text)
