"""PDF documents for printing (badges, the programme), made with fpdf2: A4 pages with names in any
script. DejaVu Sans first, then the system's Noto Sans CJK (Chinese, Japanese, Korean) and TLWG (Thai) fonts
as fallbacks, loaded only when the text needs them (a CJK font takes seconds), shaped with HarfBuzz
(uharfbuzz) so Thai marks sit right. A font that is not installed is left out (its script's glyphs then
miss); `missing_fonts()` says which."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

# (family, path, number in a font collection, the script it is needed for); the first is the main font, the
# others fallbacks, loaded only when a badge has a character of their script (a CJK font takes seconds).
FONTS = (
    ("dejavu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0, None),
    ("dejavu-bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0, None),
    ("cjk", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0, "cjk"),
    ("cjk-bold", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 0, "cjk"),
    ("thai", "/usr/share/fonts/truetype/tlwg/Garuda.ttf", 0, "thai"),
    ("thai-bold", "/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf", 0, "thai"),
)
SCRIPTS = {
    "cjk": ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
            (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF)),
    "thai": ((0x0E00, 0x0E7F),),
}  # fmt: skip


def scripts_in(texts: list[str]) -> set[str]:
    """The scripts among SCRIPTS that these texts use."""
    found = set()
    for char in {c for text in texts for c in text if ord(c) > 0x2FF}:
        point = ord(char)
        for script, ranges in SCRIPTS.items():
            if any(low <= point <= high for low, high in ranges):
                found.add(script)
    return found


def missing_fonts() -> list[str]:
    return [path for _family, path, _n, _script in FONTS if not Path(path).exists()]


class Sheet(FPDF):
    """An A4 portrait document in millimetres with the fonts its `texts` need; `use(bold, size)` picks the
    font, `fitted_line` writes one line shrunk to fit."""

    def __init__(self, title: str, texts: list[str]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.set_title(title)
        self.set_creator("Conference")
        families = []
        needed = scripts_in([title, *texts])
        for family, path, number, script in FONTS:
            if script is not None and script not in needed:
                continue
            try:
                self.add_font(family, fname=path, collection_font_number=number)
            except FileNotFoundError:
                continue
            families.append(family)
        self.families = families
        regular = [f for f in families if not f.endswith("-bold")]
        self.regular = regular[0] if regular else "helvetica"
        self.bold = "dejavu-bold" if "dejavu-bold" in families else self.regular
        self.fallback_regular = regular[1:]
        self.fallback_bold = [f for f in families if f.endswith("-bold") and f != self.bold]
        self.set_text_shaping(True)  # HarfBuzz (uharfbuzz): Thai marks, Korean and Latin kerning

    def use(self, bold: bool, size: float) -> None:
        self.set_font(self.bold if bold else self.regular, size=size)
        self.set_fallback_fonts(self.fallback_bold if bold else self.fallback_regular, exact_match=False)

    def fitted_line(self, text: str, x: float, y: float, width: float, size: float, bold: bool,
                    minimum: float = 6) -> float:  # fmt: skip
        """One line of text shrunk to fit the width (cut with an ellipsis below `minimum`); returns its
        height."""
        self.use(bold, size)
        while size > minimum and self.get_string_width(text) > width:
            size -= 0.5
            self.use(bold, size)
        while len(text) > 1 and self.get_string_width(text) > width:
            text = text[:-2] + "…"
        height = size * 0.3528 * 1.25
        self.set_xy(x, y)
        self.cell(width, height, text, align="C")
        return height

    def qr(self, code: str, x: float, y: float, size: float) -> None:
        from conference.registrations.mails import checkin_qr

        rows = list(checkin_qr(code).matrix_iter(scale=1, border=2))
        module = size / len(rows)
        self.set_fill_color(0, 0, 0)
        for row_number, row in enumerate(rows):
            start = None
            for column, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = column
                elif not dark and start is not None:
                    self.rect(x + start * module, y + row_number * module, (column - start) * module, module,
                              style="F")  # fmt: skip
                    start = None
