"""From a prompt to a palette: colour words are read, the rest hashed into harmony.

A prompt that names colours ("copper and ink") gets them; words with no colour
meaning still steer the hues deterministically, so different prompts give
visibly different palettes and the same prompt always gives the same one.
"""

from __future__ import annotations

import colorsys
import hashlib
import re

__all__ = ["COLOUR_WORDS", "palette_for_prompt"]

# sRGB colours of words artists use in prompts (materials, times of day, moods).
COLOUR_WORDS: dict[str, tuple[int, int, int]] = {
    "amber": (255, 176, 46),
    "aqua": (64, 200, 210),
    "ash": (178, 174, 168),
    "azure": (40, 120, 220),
    "black": (12, 12, 16),
    "blood": (120, 10, 20),
    "blue": (36, 82, 196),
    "blush": (232, 168, 170),
    "bone": (226, 218, 196),
    "brass": (196, 160, 72),
    "bronze": (160, 104, 50),
    "charcoal": (48, 50, 54),
    "cobalt": (0, 71, 171),
    "copper": (184, 104, 56),
    "coral": (248, 120, 96),
    "cream": (246, 236, 210),
    "crimson": (190, 20, 50),
    "cyan": (20, 200, 220),
    "dawn": (250, 196, 160),
    "dusk": (92, 72, 140),
    "ember": (226, 88, 34),
    "emerald": (20, 150, 100),
    "fire": (240, 90, 20),
    "fog": (196, 200, 204),
    "forest": (34, 90, 52),
    "frost": (214, 236, 246),
    "gold": (222, 176, 60),
    "golden": (222, 176, 60),
    "green": (52, 150, 72),
    "grey": (128, 128, 132),
    "gray": (128, 128, 132),
    "honey": (232, 170, 60),
    "ice": (200, 230, 246),
    "indigo": (60, 40, 130),
    "ink": (20, 24, 46),
    "ivory": (250, 244, 226),
    "jade": (0, 150, 110),
    "lavender": (180, 160, 220),
    "lemon": (246, 224, 80),
    "lilac": (200, 162, 200),
    "magenta": (210, 30, 150),
    "midnight": (20, 24, 60),
    "mint": (150, 226, 190),
    "moss": (110, 130, 60),
    "night": (14, 18, 40),
    "ochre": (204, 134, 34),
    "olive": (120, 124, 50),
    "orange": (246, 130, 30),
    "peach": (250, 190, 150),
    "pearl": (234, 228, 220),
    "pink": (240, 140, 180),
    "plum": (120, 50, 100),
    "purple": (120, 60, 170),
    "red": (210, 40, 40),
    "rose": (230, 110, 130),
    "ruby": (170, 16, 50),
    "rust": (170, 70, 30),
    "saffron": (244, 180, 40),
    "sage": (150, 170, 130),
    "sand": (220, 196, 150),
    "sapphire": (20, 60, 160),
    "scarlet": (230, 30, 30),
    "sea": (30, 110, 140),
    "sepia": (112, 66, 20),
    "silver": (192, 194, 200),
    "sky": (130, 190, 236),
    "slate": (90, 100, 116),
    "smoke": (110, 108, 110),
    "snow": (246, 248, 252),
    "storm": (70, 80, 100),
    "sun": (252, 200, 60),
    "sunset": (246, 110, 70),
    "teal": (0, 128, 128),
    "tidal": (24, 96, 120),
    "turquoise": (48, 200, 190),
    "twilight": (70, 60, 120),
    "umber": (99, 81, 71),
    "velvet": (110, 20, 60),
    "violet": (140, 70, 200),
    "white": (244, 244, 246),
    "wine": (114, 30, 50),
    "yellow": (246, 210, 40),
}

_WORD = re.compile(r"[a-z]+")


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def palette_for_prompt(prompt: str, stops: int = 5) -> list[tuple[float, float, float]]:
    """``stops`` colours (sRGB floats in 0..1), ordered dark to light."""
    words = _WORD.findall(prompt.lower())
    named = [COLOUR_WORDS[w] for w in words if w in COLOUR_WORDS]
    colours: list[tuple[float, float, float]] = [(r / 255, g / 255, b / 255) for r, g, b in named][:stops]
    digest = _digest("palette\n" + " ".join(words))
    base_hue = colorsys.rgb_to_hsv(*colours[0])[0] if colours else digest[0] / 256
    # Fill the remaining stops with a harmony around the base hue (analogous or
    # split-complementary), spread from deep shadow to light.
    scheme = (0.0, 0.08, -0.08, 0.5, 0.42) if digest[1] % 2 else (0.0, 0.06, 0.12, -0.06, 0.55)
    values = (0.12, 0.32, 0.55, 0.78, 0.95)
    i = 0
    while len(colours) < stops:
        hue = (base_hue + scheme[i % len(scheme)] + (digest[2 + i] - 128) / 4096) % 1.0
        saturation = 0.35 + 0.5 * (digest[8 + i] / 255)
        value = values[(i + digest[14]) % len(values)]
        colours.append(colorsys.hsv_to_rgb(hue, saturation, value))
        i += 1
    # A gradient needs contrast: if every stop is mid-tone, push the ends apart.
    colours.sort(key=_luminance)
    if _luminance(colours[0]) > 0.18:
        colours[0] = tuple(c * 0.25 for c in colours[0])  # type: ignore[assignment]
    if _luminance(colours[-1]) < 0.6:
        colours[-1] = tuple(1 - (1 - c) * 0.35 for c in colours[-1])  # type: ignore[assignment]
    return colours
