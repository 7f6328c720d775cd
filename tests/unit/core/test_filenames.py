"""Hostile file names: what the attendant sees, what is written to disk, and which files ask before opening."""

from __future__ import annotations

import pytest

from deskchat.core.filenames import (
    MAX_NAME_BYTES,
    display_name,
    is_risky,
    real_extension,
    safe_file_name,
    without_bidi_controls,
)

#: (name as sent, as shown, as written to disk)
HOSTILE_NAMES = [
    ("boleto_maio.pdf", "boleto_maio.pdf", "boleto_maio.pdf"),
    ("Relatório de vendas.xlsx", "Relatório de vendas.xlsx", "Relatório de vendas.xlsx"),
    ("fatura\u202efdp.exe", "faturafdp.exe", "faturafdp.exe"),  # RLO: would read "faturaexe.pdf"
    ("fatura\u202bfdp\u202c.exe", "faturafdp.exe", "faturafdp.exe"),  # RLE … PDF
    ("fatura\u202dfdp.exe", "faturafdp.exe", "faturafdp.exe"),  # LRO
    ("\u202anota\u202c.pdf", "nota.pdf", "nota.pdf"),  # LRE … PDF
    ("\u2066nota\u2069\u200f.pdf", "nota.pdf", "nota.pdf"),  # LRI … PDI, RLM
    ("\u2067nota\u2069.pdf", "nota.pdf", "nota.pdf"),  # RLI
    ("\u2068nota\u2069\u200e.pdf", "nota.pdf", "nota.pdf"),  # FSI, LRM
    ("nota\u061c.pdf", "nota.pdf", "nota.pdf"),  # Arabic letter mark
    ("foto\u200b\ufeff\u2060.jpg", "foto.jpg", "foto.jpg"),  # zero-width space, BOM, word joiner
    ("linha1\nlinha2\r\t.txt", "linha1linha2.txt", "linha1linha2.txt"),
    ("nul\x00byte.txt", "nulbyte.txt", "nulbyte.txt"),
    ("sino\x07\x1b[31m.txt", "sino[31m.txt", "sino[31m.txt"),
    ("del\x7f\x85.txt", "del.txt", "del.txt"),
    ("privado\ue000.txt", "privado.txt", "privado.txt"),  # private use
    ("separador\u2028de\u2029linha.txt", "separadordelinha.txt", "separadordelinha.txt"),
    ("espaço\u00a0duro\u3000.txt", "espaço duro .txt", "espaço duro .txt"),
    ("../../etc/passwd", "passwd", "passwd"),
    ("..\\..\\Windows\\System32\\drivers\\evil.sys", "evil.sys", "evil.sys"),
    ("/home/ana/Documentos/nota.pdf", "nota.pdf", "nota.pdf"),
    ("C:\\Users\\ana\\nota.pdf", "nota.pdf", "nota.pdf"),
    ("C:nota.pdf", "C:nota.pdf", "C_nota.pdf"),
    ('a<b>c:d"e|f?g*h.txt', 'a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
    ("pasta/", "attachment", "attachment"),
    ("..", "attachment", "attachment"),
    ("", "attachment", "attachment"),
    ("   ", "attachment", "attachment"),
    ("\u202e\u200b", "attachment", "attachment"),
    ("CON", "CON", "_CON"),
    ("con.txt", "con.txt", "_con.txt"),
    ("PRN.pdf", "PRN.pdf", "_PRN.pdf"),
    ("AUX", "AUX", "_AUX"),
    ("NUL.tar.gz", "NUL.tar.gz", "_NUL.tar.gz"),
    ("COM1", "COM1", "_COM1"),
    ("com9.jpg", "com9.jpg", "_com9.jpg"),
    ("LPT1.doc", "LPT1.doc", "_LPT1.doc"),
    ("lpt3", "lpt3", "_lpt3"),
    ("COM¹.txt", "COM¹.txt", "_COM¹.txt"),
    ("CONIN$", "CONIN$", "_CONIN$"),
    ("aux .txt", "aux .txt", "_aux .txt"),
    ("CON.", "CON", "_CON"),
    ("console.txt", "console.txt", "console.txt"),
    ("COM10.txt", "COM10.txt", "COM10.txt"),
    ("report.pdf.", "report.pdf", "report.pdf"),
    ("report.pdf...", "report.pdf", "report.pdf"),
    ("report.pdf   ", "report.pdf", "report.pdf"),
    ("report. . .", "report", "report"),
    (".bashrc", "bashrc", "bashrc"),
    ("decomposed cafe\u0301.txt", "decomposed café.txt", "decomposed café.txt"),
    ("família 👨\u200d👩\u200d👧.jpg", "família 👨👩👧.jpg", "família 👨👩👧.jpg"),
]


@pytest.mark.parametrize(("name", "shown", "on_disk"), HOSTILE_NAMES)
def test_hostile_names_are_shown_and_written_safely(name: str, shown: str, on_disk: str) -> None:
    assert display_name(name) == shown
    assert safe_file_name(name) == on_disk
    assert safe_file_name(on_disk) == on_disk  # a safe name stays as it is


@pytest.mark.parametrize(
    ("name", "extension"),
    [("a" * 300 + ".pdf", ".pdf"), ("ç" * 200 + ".jpeg", ".jpeg"), ("x" * 400, ""), ("😀" * 100 + ".exe", ".exe")],
)
def test_very_long_names_are_cut_keeping_the_extension(name: str, extension: str) -> None:
    for made in (display_name(name), safe_file_name(name)):
        assert len(made.encode("utf-8")) <= MAX_NAME_BYTES
        assert made.endswith(extension) and len(made) > len(extension) + 10
    assert safe_file_name(name) == safe_file_name(safe_file_name(name))


def test_the_fallback_is_made_safe_too() -> None:
    assert safe_file_name("", fallback="anexo") == "anexo"
    assert safe_file_name("..", fallback="../CON") == "_CON"
    assert display_name("\u202e", fallback="Anexo") == "Anexo"


def test_previews_lose_only_the_reordering_characters() -> None:
    assert without_bidi_controls("fatura\u202efdp.exe") == "faturafdp.exe"
    assert without_bidi_controls("\u2067שלום\u2069 e \u200fmarca") == "שלום e marca"
    assert without_bidi_controls("família 👨\u200d👩\u200d👧") == "família 👨\u200d👩\u200d👧"  # emoji joiners stay


#: Every type the issue found opening without a question, and the rest of the families the list must cover.
RISKY = (
    "chm xll one msix appinstaller library-ms search-ms rdp docm xlsm "
    "exe com scr pif cpl msc msi msp mst msu bat cmd ps1 psm1 psd1 vbs vbe vb js jse wsf wsh ws wsc hta lnk url "
    "scf inf reg application appref-ms settingcontent-ms gadget jar jnlp iso img vhd vhdx cab diagcab appx "
    "appxbundle msixbundle searchconnector-ms onepkg mht mhtml hlp ade adp mdb mde accde sct shb shs wsb "
    "dotm xltm xlsb pptm potm ppsm sldm xlam ppam "
    "app command tool pkg mpkg dmg workflow scpt applescript terminal webloc "
    "sh bash zsh desktop appimage run deb rpm py pyw pyc pl rb php apk"
).split()


@pytest.mark.parametrize("extension", RISKY)
def test_every_risky_type_asks_before_opening(extension: str) -> None:
    assert is_risky(f"fatura.{extension}")
    assert is_risky(f"fatura.{extension.upper()}")


@pytest.mark.parametrize(
    "name",
    [
        "boleto.pdf.exe",  # double extension
        "boleto.pdf.EXE",
        "nota.exe.",  # trailing dot: Windows drops it and runs the program
        "nota.exe . . ",
        "nota.exe\u200b",  # zero-width space after the extension
        "fatura\u202efdp.exe",  # shown as "faturaexe.pdf"
        "../../setup.msi",
        "nota.sh\x00.pdf"[:7],  # cut at the NUL as C would: "nota.sh"
        "Fatura.DocM",
        "planilha.xlsm ",
    ],
)
def test_the_real_extension_counts_not_what_the_name_pretends(name: str) -> None:
    assert is_risky(name), real_extension(name)


@pytest.mark.parametrize(
    "name",
    ["boleto.pdf", "foto.jpg", "foto.JPEG", "planilha.xlsx", "contrato.docx", "notas.txt", "arquivos.zip", "README"],
)
def test_documents_open_without_a_question(name: str) -> None:
    assert not is_risky(name, "application/octet-stream")


@pytest.mark.parametrize(
    "mime",
    [
        "application/x-msdownload",
        "application/x-sh; charset=utf-8",
        "APPLICATION/JAVA-ARCHIVE",
        "application/vnd.ms-excel.sheet.macroEnabled.12",
        "application/x-desktop",
    ],
)
def test_a_declared_program_type_asks_whatever_the_name(mime: str) -> None:
    assert is_risky("nota.txt", mime)


def test_real_extension() -> None:
    assert real_extension("boleto.pdf.exe") == "exe"
    assert real_extension("NOTA.PDF. ") == "pdf"
    assert real_extension(".bashrc") == ""
    assert real_extension("README") == ""
    assert real_extension("fatura\u202efdp.exe") == "exe"
