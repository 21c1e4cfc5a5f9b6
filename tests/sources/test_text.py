"""Reading German delimited text: numbers, encodings, separators, header search."""

import pytest

from sources.errors import EncodingError, LayoutError
from sources.text import decode, find_header, parse_number, split_lines


@pytest.mark.parametrize(
    "text, decimal, expected",
    [("1.234.567,89", ",", 1234567.89), ("12", ",", 12.0), ("0,5", ",", 0.5), ("-3,25", ",", -3.25),
     ("1234,5", ",", 1234.5), ("1234.5", ".", 1234.5), ("1e3", ".", 1000.0)],
)  # fmt: skip
def test_parse_number(text, decimal, expected):
    assert parse_number(text, decimal) == expected


@pytest.mark.parametrize("text, decimal", [("1,234.5", ","), ("12a", ","), ("1.23", ","), ("", ","), ("1,5", "."),
                                           ("0.352", ",")])  # 0.352 is no thousands group: a decimal point
def test_parse_number_rejects(text, decimal):
    with pytest.raises(ValueError):
        parse_number(text, decimal)


def test_decode_names_the_line_of_a_bad_byte():
    data = "Zeile 1\nZeile 2\nGemeinde Möhnesee\n".encode("cp1252")
    with pytest.raises(EncodingError) as err:
        decode(data, "utf-8", "src", "f.csv")
    assert err.value.row == 3 and "0xf6" in str(err.value) and "'f.csv'" in str(err.value)


def test_decode_recognises_utf8_declared_as_cp1252():
    data = "Gemeinde;Möhnesee\n".encode("utf-8")
    with pytest.raises(EncodingError, match="looks like UTF-8"):
        decode(data, "cp1252", "src", "f.csv")


def test_decode_strips_bom():
    assert decode("\ufeffa;b\n".encode("utf-8"), "utf-8", "s", "f") == "a;b\n"


def test_find_header_reports_missing_columns_and_wrong_separator():
    lines = split_lines("Titel\nGemeindeschlüssel;Kundengruppe\n1;2\n", ";", "s", "f.csv")
    with pytest.raises(LayoutError, match=r"lacks column\(s\) \['Energiemenge'\]") as err:
        find_header(lines, ["Gemeindeschlüssel", "Kundengruppe", "Energiemenge"], "s", "f.csv", ";")
    assert err.value.row == 2
    lines = split_lines("Gemeindeschlüssel,Kundengruppe,Energiemenge\n1,2,3\n", ";", "s", "f.csv")
    with pytest.raises(LayoutError, match="separated by ','"):
        find_header(lines, ["Gemeindeschlüssel", "Kundengruppe", "Energiemenge"], "s", "f.csv", ";")
