"""The open-data downloads of a published initiative: everything public as one JSON document, and each dataset
as a CSV table, under the licence regional staff chose (Initiative.data_licence). The data is
initiative/public_data.py's, the same as the open API's."""

import csv
import io

from django.utils.translation import gettext_lazy as _

from authorities.spreadsheets import cell_text

from .enums import Piece

# dataset → (piece that must be published, or None for the figures; columns; rows from the data)
DATASETS = {
    "figures": (
        None,
        ["stage", "title_en", "people", "governments", "countries", "sentence_es", "sentence_pt_br", "sentence_en"],
        lambda data: [
            [
                row["stage"],
                row["title"]["en"],
                row["people"],
                row["governments"],
                row["countries"],
                row["sentence"]["es"],
                row["sentence"]["pt-br"],
                row["sentence"]["en"],
            ]
            for row in data["figures"]
        ],
    ),
    "recognized": (
        Piece.RECOGNIZED,
        ["country", "region", "government", "latitude", "longitude", "recognized_officials"],
        lambda data: [
            [g["country"], g["region"], g["name"], g["latitude"], g["longitude"], "; ".join(g["recognized_officials"])]
            for g in data[Piece.RECOGNIZED]["governments"]
        ],
    ),
    "automapeo": (
        Piece.AUTOMAPEO,
        ["kind", "number", "title_en", "actions", "governments"],
        lambda data: [
            [kind, row["number"], row["title"]["en"], row["actions"], row["governments"]]
            for kind, key in (("objective", "objectives"), ("principle", "principles"))
            for row in data[Piece.AUTOMAPEO][key]
        ],
    ),
    "almi": (
        Piece.ALMI,
        ["theme", "title", "summary", "kind", "objectives", "governments", "countries"],
        lambda data: [
            [
                theme["theme"],
                item["title"],
                item["summary"],
                item["kind"],
                " ".join(str(n) for n in item["objectives"]),
                item["governments"],
                item["countries"],
            ]
            for theme in data[Piece.ALMI]["themes"]
            for item in theme["items"]
        ],
    ),
    # A group of people pooled with others (initiative/knowledge.py) has "pooled" for its country or role.
    "knowledge": (
        Piece.KNOWLEDGE,
        ["table", "group", "low", "high", "people", "average"],
        lambda data: [
            *[["gain", "", b["low"], b["high"], b["people"], ""] for b in data[Piece.KNOWLEDGE]["distribution"]],
            *[
                [table, row[key] or "pooled", "", "", row["people"], row["average"]]
                for table, key, rows in (
                    ("country", "country", data[Piece.KNOWLEDGE]["by_country"]),
                    ("role", "role", data[Piece.KNOWLEDGE]["by_role"]),
                )
                for row in rows
            ],
            *[
                ["satisfaction", "", b["low"], b["high"], b["people"], ""]
                for b in data[Piece.KNOWLEDGE]["satisfaction"]["scores"]
            ],
        ],
    ),
}


def available_datasets(published_pieces):
    return [name for name, (piece, _c, _r) in DATASETS.items() if piece is None or piece in published_pieces]


def dataset_label(name):
    piece = DATASETS[name][0]
    return Piece(piece).label if piece else _("Figures")


def dataset_csv(data, name):
    """The dataset `name` of `data` (public_data.open_data) as CSV text; text that a spreadsheet would run as a
    formula is neutralised (cell_text)."""
    _piece, columns, rows = DATASETS[name]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows(data):
        writer.writerow([cell_text(value) for value in row])
    return out.getvalue()
