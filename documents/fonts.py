"""The Japanese font of the PDFs, from a PyPI wheel in the project's own dependencies.

``japanize-matplotlib`` ships IPAex Gothic (``fonts/ipaexg.ttf``, IPA Font License). We
only read the file: importing the package would import matplotlib (slow, not needed).
A fresh clone gets it with ``pip install``; no system font package is involved.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

FONT_FAMILY = "IPAexGothic"


class FontMissing(RuntimeError):
    pass


@cache
def font_path() -> Path:
    """The IPAex Gothic TrueType file inside the installed ``japanize_matplotlib`` wheel."""
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise FontMissing(
            "japanize-matplotlib is not installed (it carries the IPAex Gothic font the "
            "PDFs are set in): pip install -e ."
        )
    for base in spec.submodule_search_locations:
        for candidate in sorted(Path(base).glob("fonts/ipaexg*.ttf")):
            return candidate
    raise FontMissing("japanize_matplotlib has no fonts/ipaexg.ttf")


def font_face_css() -> str:
    """An ``@font-face`` rule for WeasyPrint (a file URL to the wheel's font)."""
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; "
        f"src: url('{font_path().as_uri()}') format('truetype'); }}"
    )
