"""Whether a string is exactly one emoji: the grammar of Unicode's emoji sequences (UTS #51),
with the pictographic code points as data, since the standard library knows no emoji
properties (and a dependency for one check is not worth its import).

One emoji is one of:

- a flag: two regional indicators (``🇩🇪``);
- a keycap: ``0``-``9``, ``#`` or ``*``, an optional VS16, then U+20E3 (``1️⃣``);
- a tag sequence: a black flag, tag characters, a cancel tag (``🏴󠁧󠁢󠁳󠁣󠁴󠁿``);
- pictographs joined by ZWJ (``👨‍👩‍👧``), each an Extended_Pictographic code point with an
  optional variation selector and an optional skin tone (``👍🏽``, ``❤️``).

Anything else (letters, digits alone, spaces, controls, two emoji side by side) is not one.
"""

from __future__ import annotations

ZWJ = 0x200D
VS15, VS16 = 0xFE0E, 0xFE0F
KEYCAP = 0x20E3
BLACK_FLAG = 0x1F3F4
TAGS = range(0xE0020, 0xE007F)
CANCEL_TAG = 0xE007F
SKIN_TONES = range(0x1F3FB, 0x1F400)
REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
KEYCAP_BASES = frozenset(map(ord, "0123456789#*"))
MAX_CODE_POINTS = 32

# Extended_Pictographic (emoji-data.txt, Unicode 15.1), as inclusive ranges.
_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA),
    (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
    (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB),
    (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x2605),
    (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712),
    (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721),
    (0x2728, 0x2728), (0x2733, 0x2734), (0x2744, 0x2744), (0x2747, 0x2747),
    (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
    (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0),
    (0x27BF, 0x27BF), (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D),
    (0x3297, 0x3297), (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F),
    (0x1F12F, 0x1F12F), (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E),
    (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA),
    (0x1F400, 0x1F53D), (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F),
    (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F),
    (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945),
    (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
)  # fmt: skip


def is_pictographic(code: int) -> bool:
    """Whether ``code`` is an Extended_Pictographic code point (an emoji's base)."""
    return any(low <= code <= high for low, high in _PICTOGRAPHIC)


def is_single_emoji(text: str) -> bool:
    """Whether ``text`` is exactly one emoji (one grapheme cluster that is an emoji)."""
    codes = [ord(char) for char in text]
    if not codes or len(codes) > MAX_CODE_POINTS:
        return False
    if all(code in REGIONAL_INDICATORS for code in codes):
        return len(codes) == 2
    if codes[0] in KEYCAP_BASES:
        return codes[1:] in ([KEYCAP], [VS16, KEYCAP])
    if codes[0] == BLACK_FLAG and len(codes) > 2 and codes[-1] == CANCEL_TAG:
        return all(code in TAGS for code in codes[1:-1])
    return all(_is_element(element) for element in _split(codes, ZWJ))


def _split(codes: list[int], separator: int) -> list[list[int]]:
    parts: list[list[int]] = [[]]
    for code in codes:
        if code == separator:
            parts.append([])
        else:
            parts[-1].append(code)
    return parts


def _is_element(codes: list[int]) -> bool:
    """One pictograph, then at most a variation selector and a skin tone (in that order)."""
    if not codes or not is_pictographic(codes[0]):
        return False
    rest = codes[1:]
    if rest and rest[0] in (VS15, VS16):
        rest = rest[1:]
    if rest and rest[0] in SKIN_TONES:
        rest = rest[1:]
    return not rest
