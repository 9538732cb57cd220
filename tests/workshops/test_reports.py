"""The readers of participant reports, on files written in each tool's own format."""

import pytest

from tests.workshops.reportfiles import at, meet_report, teams_report, zoom_report
from workshops.reports import (
    MAX_REPORT_BYTES,
    ReportError,
    merged_seconds,
    name_key,
    name_tokens,
    parse_duration,
    parse_report,
    split_display_name,
)


def by_name(report):
    return {p.name: p for p in report.participants}


def test_zoom_report_merges_reconnections_counting_overlap_once():
    data = zoom_report(
        [
            ("María José Pérez Gutiérrez", "mjperez@lima.gob.pe", at(-2), at(50), False),
            # reconnected from the phone before the laptop dropped: 40 to 50 overlaps
            ("Majo Pérez (María José Pérez Gutiérrez)", "mjperez@lima.gob.pe", at(40), at(100), False),
            ("João da Silva Gonçalves", "", at(0), at(30), True),
            ("João da Silva Gonçalves", "", at(45), at(60, 30), True),
        ]
    )
    report = parse_report(data)
    assert report.tool == "zoom"
    assert report.rows_read == 4
    assert report.title == "ALP Lanzamiento 2023"
    people = by_name(report)
    assert sorted(people) == ["João da Silva Gonçalves", "María José Pérez Gutiérrez"]
    maria = people["María José Pérez Gutiérrez"]
    assert maria.email == "mjperez@lima.gob.pe"
    assert maria.rows == 2
    assert maria.seconds == 102 * 60  # 09:58 to 11:40
    assert maria.guest is False
    joao = people["João da Silva Gonçalves"]
    assert joao.seconds == 30 * 60 + 15 * 60 + 30
    assert joao.guest is True
    assert joao.email == ""


def test_zoom_report_without_meeting_details_is_read():
    report = parse_report(zoom_report([("Ana Souza", "ana@x.org", at(0), at(10), False)], meeting_details=False))
    assert report.tool == "zoom"
    assert [(p.name, p.seconds) for p in report.participants] == [("Ana Souza", 600)]


def test_zoom_report_folds_guest_row_without_email_into_same_name_with_email():
    data = zoom_report(
        [
            ("Ana Souza", "ana@x.org", at(0), at(30), False),
            ("Ana Souza", "", at(20), at(60), True),
        ]
    )
    [ana] = parse_report(data).participants
    assert (ana.email, ana.seconds, ana.rows, ana.guest) == ("ana@x.org", 3600, 2, False)


def test_teams_report_utf16_with_summary_is_read_from_its_activities():
    data = teams_report(
        [
            ("João da Silva Gonçalves", "joao.goncalves@recife.pe.gov.br", at(0), at(30), "Attendee"),
            ("João da Silva Gonçalves", "joao.goncalves@recife.pe.gov.br", at(25), at(95), "Attendee"),
            ("MARIA JOSE PEREZ GUTIERREZ (Guest)", "", at(5), at(65), "Attendee"),
        ]
    )
    assert data[:2] == b"\xff\xfe"
    report = parse_report(data)
    assert report.tool == "teams"
    assert report.title == "ALP Taller - Edición 1 - Sesión 1"
    assert report.rows_read == 3
    people = by_name(report)
    assert people["João da Silva Gonçalves"].seconds == 95 * 60
    assert people["João da Silva Gonçalves"].rows == 2
    assert people["MARIA JOSE PEREZ GUTIERREZ"].guest is True
    assert people["MARIA JOSE PEREZ GUTIERREZ"].seconds == 3600


def test_teams_report_with_participants_only_uses_in_meeting_duration():
    data = teams_report([("Ana Souza", "ana@x.org", at(0), at(61, 5), "Presenter")])
    text = data.decode("utf-16")
    cut = text.index("3. In-Meeting Activities")
    report = parse_report(text[:cut].encode("utf-16"))
    assert [(p.name, p.seconds) for p in report.participants] == [("Ana Souza", 61 * 60 + 5)]


def test_meet_report_is_read_with_its_durations():
    data = meet_report(
        [
            ("María José", "Pérez Gutiérrez", "mjperez@lima.gob.pe", 92, at(0), at(92)),
            ("João", "Gonçalves", "", 45, at(10), at(55)),
        ]
    )
    report = parse_report(data)
    assert report.tool == "meet"
    assert [(p.name, p.email, p.seconds) for p in report.participants] == [
        ("María José Pérez Gutiérrez", "mjperez@lima.gob.pe", 92 * 60),
        ("João Gonçalves", "", 45 * 60),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "The file is empty."),
        (b"Nombre,Apellido\nP\xe9rez,Mar\xeda\n", "not in a text encoding these tools use"),
        (b"PK\x03\x04rest-of-a-zip", "export the report as CSV"),
        (b"%PDF-1.7 something", "This is a PDF document"),
        (b"city,population\nLima,10000000\n", "is not a participant report"),
        (
            b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n",
            "has its headings but no participant rows",
        ),
        (b"x" * (MAX_REPORT_BYTES + 1), "The file is too large"),
    ],
    ids=["empty", "only-bom", "latin-1", "xlsx", "pdf", "other-csv", "headings-only", "too-large"],
)
def test_parse_report_rejects_wrong_files_saying_what_was_expected(data, expected):
    with pytest.raises(ReportError) as error:
        parse_report(data)
    assert expected in error.value.message


EXPECTED = (
    "Expected the participant report exported by Zoom (Participants, CSV), Microsoft Teams (attendance report, "
    "CSV) or Google Meet (attendance, CSV)."
)
ZOOM_HEADER = b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # 1.7 million short lines: refused from a count, before the text is split into lines
        (b"ab\n" * (MAX_REPORT_BYTES // 3), f"The report has 1747626 lines; at most 20000 are read. {EXPECTED}"),
        (("a\rb\x1cc\u2028" * 6_667).encode(), f"The report has 20001 lines; at most 20000 are read. {EXPECTED}"),
        # one line of millions of separators, in each of the tools' separators
        (ZOOM_HEADER + b"," * (MAX_REPORT_BYTES - 200), f"A line of the report has more than 50 columns. {EXPECTED}"),
        (b"Name\t" + b"\t" * 100_000, f"A line of the report has more than 50 columns. {EXPECTED}"),
        (ZOOM_HEADER + b";" * 50 + b"\n", f"A line of the report has more than 50 columns. {EXPECTED}"),
        (
            ZOOM_HEADER + b'"Ana Souza,ana@x.org,' + b"x" * 200_000 + b"\n",
            "The file could not be read as CSV: a quotation mark is not closed or a cell is too long. Upload the "
            f"report as the meeting tool exported it. {EXPECTED}",
        ),
    ],
    ids=["many-lines", "other-line-breaks", "commas", "tabs", "semicolons", "unclosed-quote"],
)
def test_parse_report_refuses_a_hostile_shape_before_splitting_it(data, expected):
    with pytest.raises(ReportError) as error:
        parse_report(data)
    assert error.value.message == expected


def test_parse_report_reads_a_line_of_49_separators():
    row = b"Ana Souza,ana@x.org,01/05/2023 10:00:00 AM,01/05/2023 10:30:00 AM,30,No" + b"," * 44 + b"\r\n"
    report = parse_report(ZOOM_HEADER + row)
    assert [(p.name, p.seconds) for p in report.participants] == [("Ana Souza", 1800)]


def test_parse_report_error_for_other_csv_names_the_file_and_the_tools():
    with pytest.raises(ReportError) as error:
        parse_report(b"a,b\n1,2\n", file_name="presupuesto.csv")
    assert error.value.message == (
        "“presupuesto.csv” is not a participant report: no column of names with join times or durations was "
        "found. Expected the participant report exported by Zoom (Participants, CSV), Microsoft Teams "
        "(attendance report, CSV) or Google Meet (attendance, CSV)."
    )


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h 2m 3s", 3723), ("45m 12s", 2712), ("59s", 59), ("1 hr 35 min", 5700), ("95", 5700), ("01:35:12", 5712)],
)
def test_parse_duration_reads_each_tool_format(text, seconds):
    assert parse_duration(text) == seconds


def test_merged_seconds_counts_overlap_once_and_gaps_not_at_all():
    assert merged_seconds([(at(0), at(10)), (at(5), at(20)), (at(30), at(40)), (at(32), at(35))]) == 30 * 60


@pytest.mark.parametrize(
    "written",
    [
        "María José Pérez Gutiérrez",
        "MARIA JOSE PEREZ GUTIERREZ",
        "Pérez Gutiérrez, María José",
        "maria jose perez-gutierrez",
    ],
)
def test_name_key_ignores_accents_case_order_and_punctuation(written):
    assert name_key(written) == "gutierrez jose maria perez"


def test_name_tokens_drop_particles_and_initials():
    assert name_tokens("João da Silva e Gonçalves") == ("joao", "silva", "goncalves")
    assert name_tokens("João S. Gonçalves") == ("joao", "goncalves")
    assert name_tokens("María de los Ángeles Núñez") == ("maria", "angeles", "nunez")


def test_split_display_name_reads_zoom_original_name_and_teams_guest_marker():
    assert split_display_name("Majo Pérez (María José Pérez Gutiérrez)") == (
        "Majo Pérez",
        ["María José Pérez Gutiérrez"],
        False,
    )
    assert split_display_name("João Gonçalves (Guest)") == ("João Gonçalves", [], True)
    assert split_display_name("Ana Souza (Externo)") == ("Ana Souza", [], True)


def test_zoom_unique_users_export_uses_total_duration():
    data = (
        "\ufeffName (Original Name),User Email,Total Duration (Minutes),Guest\r\n"
        "María José Pérez Gutiérrez,mjperez@lima.gob.pe,97,No\r\n"
        "João Gonçalves,,12,Yes\r\n"
    ).encode()
    report = parse_report(data)
    assert report.tool == "zoom"
    assert [(p.name, p.seconds, p.guest) for p in report.participants] == [
        ("María José Pérez Gutiérrez", 97 * 60, False),
        ("João Gonçalves", 12 * 60, True),
    ]


def test_zoom_flattened_export_reads_the_participant_columns_not_the_hosts():
    header = (
        "Topic,Meeting ID,User Name,User Email,Department,Group,Has Zoom Rooms,Creation Time,Start Time,End Time,"
        "Duration (Minutes),Participants,Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),"
        "Guest,Recording Consent,In Waiting Room"
    )
    meeting = "ALP,850 1234 5678,Host,host@iom.int,,,No,10/01/2023 09:00,10/18/2023 09:55,10/18/2023 12:05,130,2"
    rows = [
        f"{meeting},María José Pérez,mjperez@lima.gob.pe,10/18/2023 10:00,10/18/2023 11:40,100,No,,No",
        f"{meeting},João Gonçalves,joao@recife.pe.gov.br,10/18/2023 10:05,10/18/2023 10:35,30,No,,No",
    ]
    report = parse_report("\r\n".join([header, *rows]).encode())
    assert [(p.name, p.email, p.seconds) for p in report.participants] == [
        ("María José Pérez", "mjperez@lima.gob.pe", 100 * 60),
        ("João Gonçalves", "joao@recife.pe.gov.br", 30 * 60),
    ]


def test_teams_first_format_pairs_joined_and_left_events():
    lines = [
        "Full Name\tUser Action\tTimestamp",
        "María José Pérez Gutiérrez\tJoined\t10/18/2023, 10:00:00 AM",
        "João da Silva Gonçalves\tJoined before\t10/18/2023, 10:00:00 AM",
        "María José Pérez Gutiérrez\tLeft\t10/18/2023, 10:40:00 AM",
        "María José Pérez Gutiérrez\tJoined\t10/18/2023, 10:45:00 AM",
        "João da Silva Gonçalves\tLeft\t10/18/2023, 11:00:00 AM",
        "María José Pérez Gutiérrez\tLeft\t10/18/2023, 11:30:00 AM",
        "Ana Souza\tJoined\t10/18/2023, 11:20:00 AM",
    ]
    report = parse_report(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    assert report.tool == "teams"
    assert report.rows_read == 7
    assert [(p.name, p.seconds, p.rows) for p in report.participants] == [
        ("María José Pérez Gutiérrez", 85 * 60, 2),
        ("João da Silva Gonçalves", 60 * 60, 1),
        ("Ana Souza", 10 * 60, 1),  # still in the meeting: counted until the last event of the list
    ]
