"""The English interface: a complete catalogue, compiled messages that match it, and pages in English.

Message ids are the Simplified Chinese texts; ``locale/en/LC_MESSAGES`` holds the English translation.
The catalogue is parsed with the standard library only (no polib).
"""

import ast
import datetime as dt
import gettext
import io
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from claimants import idnumbers, imports
from claimants.certification_import import KIND as CERTIFICATION_KIND
from claimants.models import Region
from settlements import services

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u4e00-\u9fff]")
PYTHON_FORMAT = re.compile(r"%(?:\([a-z_]+\))?[sdrf%]")
BRACE_FORMAT = re.compile(r"\{[a-z_0-9]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header first); obsolete ``#~`` entries are left out."""
    entries, entry, last = [], Entry(), None
    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$")
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if last is not None:
                entries.append(entry)
            entry, last = Entry(), None
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := keyword.match(line):
            name, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if name.startswith("msgstr"):
                last = ("msgstr", int(index or 0))
                entry.msgstr[last[1]] = text
            else:
                last = (name, None)
                setattr(entry, name, text)
        elif line.startswith('"') and last is not None:
            text = ast.literal_eval(line)
            if last[0] == "msgstr":
                entry.msgstr[last[1]] += text
            else:
                setattr(entry, last[0], getattr(entry, last[0]) + text)
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(PYTHON_FORMAT.findall(text) + BRACE_FORMAT.findall(text))


# The catalogue --------------------------------------------------------------------------------------------


def test_the_po_parser_sees_an_untranslated_and_a_fuzzy_entry(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: en\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "共 %(n)s 行"\nmsgstr "%(n)s rows"\n\n'
        'msgid "保存"\nmsgstr ""\n',
        encoding="utf-8",
    )
    header, fuzzy, empty = read_po(po)
    assert header.msgstr == {0: "Language: en\n"}
    assert fuzzy.flags == {"fuzzy", "python-format"}
    assert (empty.msgid, empty.msgstr) == ("保存", {0: ""})


def test_every_message_of_the_english_catalogue_is_translated_and_none_is_fuzzy():
    header, *entries = read_po(PO)
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]
    assert len(entries) > 500
    untranslated = [e.key for e in entries if not all(e.msgstr.values())]
    fuzzy = [e.key for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    for entry in entries:
        assert set(entry.msgstr) == ({0, 1} if entry.msgid_plural is not None else {0}), entry.key


def test_translations_are_english_and_keep_every_placeholder():
    _header, *entries = read_po(PO)
    for entry in entries:
        for translated in entry.msgstr.values():
            assert not CJK.search(translated), (entry.key, translated)
            assert placeholders(translated) == placeholders(entry.msgid), (entry.key, translated)


def test_the_catalogue_holds_every_message_of_the_code_and_templates(tmp_path, monkeypatch):
    """``make messages`` has been run: extracting the sources again adds no untranslated message."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs GNU gettext (xgettext, msgmerge) to check the catalogue")
        pytest.skip("needs GNU gettext (apt-get install gettext)")
    # What `make messages` reads: the project tree but the virtualenv and collected static files.
    skipped = shutil.ignore_patterns(".*", "staticfiles", "var", "locale", "artifacts", "__pycache__")
    shutil.copytree(settings.BASE_DIR, tmp_path / "project", ignore=skipped)
    copy = tmp_path / "project" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(PO, copy)
    monkeypatch.chdir(tmp_path / "project")
    with override_settings(LOCALE_PATHS=[tmp_path / "project" / "locale"]):
        call_command("makemessages", locale=["en"], verbosity=0)
    _header, *entries = read_po(copy)
    assert [e.key for e in entries if not all(e.msgstr.values())] == []
    assert {e.key for e in entries} == {e.key for e in read_po(PO)[1:]}


def test_the_committed_compiled_messages_match_the_catalogue():
    with MO.open("rb") as stream:
        compiled = gettext.GNUTranslations(stream)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}
    expected = {}
    for entry in read_po(PO)[1:]:
        if entry.msgid_plural is not None:
            expected |= {(entry.key, n): text for n, text in entry.msgstr.items()}
        else:
            expected[entry.key] = entry.msgstr[0]
    assert catalog == expected
    assert compiled.info()["language"] == "en"


def test_mo_files_are_not_ignored_by_git():
    ignored = (Path(settings.BASE_DIR) / ".gitignore").read_text().split()
    assert not {"*.mo", "locale/", "/locale/", "*.po"} & set(ignored)


# Behaviour ------------------------------------------------------------------------------------------------


def labels(html: str) -> str:
    """The interface's labels: title, headings, navigation, table heads, form labels, terms and buttons."""
    parts = re.findall(
        r"<(title|h1|h2|h3|th|label|button|dt|a class=\"nav-link[^\"]*\")[^>]*>(.*?)</(?:title|h\d|th|label|button|dt|a)>",
        html,
        flags=re.S,
    )
    return "\n".join(re.sub(r"<[^>]+>", " ", text) for _tag, text in parts)


def without(text: str, *data: str) -> str:
    for value in data:
        text = text.replace(value, "")
    return text


@pytest.fixture
def english(client):
    """Switch the client's session to English through the language switch in the page header."""

    def switch(user):
        client.force_login(user)
        response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
        assert response.status_code == 302
        assert response.url == reverse("home")
        return client

    return switch


@pytest.fixture
def settled(policy_year_factory, reviewer, claimant_factory, certification_factory, visit_factory):
    policy_year_factory(jurisdiction="mianyang", year=2023)
    claimant = claimant_factory(name="王芳")
    certification_factory(claimant=claimant, category="dibao", valid_from=dt.date(2020, 1, 1))
    visit = visit_factory(claimant=claimant, admitted=dt.date(2023, 3, 10), discharged=dt.date(2023, 3, 22))
    return services.settle_visit(visit=visit, by=reviewer)


@pytest.mark.django_db
def test_a_reviewer_who_switches_to_english_sees_the_pages_in_english(english, reviewer, settled):
    client = english(reviewer)
    claimant, visit = settled.claimant, settled.visit
    data = (claimant.name, visit.hospital.name, claimant.hukou_region.full_name, reviewer.region.full_name)

    home = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in home
    for word in ("Workbench", "Claimants", "Identity certification", "Visits", "Settlements", "Sign out"):
        assert word in home
    for word in ("工作台", "救助对象", "身份认定", "就医记录", "退出"):
        assert word not in home

    pages = {
        reverse("claimants:list"): ("Claimants", "Name or ID number", "Search", "Export CSV"),
        claimant.get_absolute_url(): (
            "Basic information",
            "Identity certification",
            "Minimum living allowance (dibao)",
            "Timeline",
        ),
        reverse("settlements:settlement_list"): ("Settlements", "Policy-scope cost", "Medical assistance"),
        reverse("settlements:settlement_detail", args=[settled.pk]): ("Settlement #", "Statement", "Reason"),
        reverse("settlements:visit_list"): ("Visits", "Patient", "Hospital", "Settled"),
        reverse("settlements:statement", args=[settled.pk]): (
            "Medical assistance one-stop settlement statement",
            "Personal burden (policy scope)",
            "Claimant's signature",
        ),
        reverse("monitoring:overview"): ("High-cost alerts", "Alert overview", "Alert list"),
    }
    for url, words in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for word in words:
            assert word in html, (url, word)
        assert not CJK.search(without(labels(html), *data)), (url, CJK.findall(without(labels(html), *data)))


@pytest.mark.django_db
def test_the_statement_explains_the_settlement_in_the_language_of_the_interface(
    client, english, reviewer, settled
):
    client.force_login(reviewer)
    chinese = client.get(reverse("settlements:statement", args=[settled.pk])).content.decode()
    assert settled.explanation[0]["zh"] in chinese

    english_statement = (
        english(reviewer).get(reverse("settlements:statement", args=[settled.pk])).content.decode()
    )
    assert settled.explanation[0]["en"] in english_statement
    assert settled.explanation[0]["zh"] not in english_statement

    workbook = client.get(reverse("settlements:statement_xlsx", args=[settled.pk])).content
    column = [
        row[0] for row in openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(values_only=True)
    ]
    assert column[0] == "Medical assistance one-stop settlement statement"
    assert {"Name", "Medical assistance", "Calculation", settled.explanation[0]["en"]} <= set(column)
    engine_lines = {line["en"] for line in settled.explanation}  # may quote Chinese policy names
    assert not [cell for cell in column if cell not in engine_lines and CJK.search(str(cell or ""))]


@pytest.mark.django_db
def test_a_manager_sees_the_dashboard_in_english(english, manager, settled):
    html = (
        english(manager)
        .get(reverse("monitoring:dashboard"), {"region": "5107", "year": 2023})
        .content.decode()
    )
    for word in ("Statistics", "Assistance amount (by month)", "Assistance amount (by assistance category)"):
        assert word in html
    assert "Minimum living allowance (dibao)" in html  # the chart's category, from the catalogue
    for word in ("统计分析", "救助金额（按月）", "低保对象"):
        assert word not in html
    assert not CJK.search(
        without(labels(html), manager.region.full_name, *Region.objects.values_list("name", flat=True))
    )


@pytest.mark.django_db
def test_without_a_choice_the_interface_is_simplified_chinese(client, reviewer, settled):
    client.force_login(reviewer)
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in home
    for word in ("工作台", "救助对象", "退出"):
        assert word in home
    for word in ("Workbench", "Claimants", "Sign out"):
        assert word not in home
    detail = client.get(settled.claimant.get_absolute_url()).content.decode()
    assert "低保对象" in detail
    assert "Minimum living allowance" not in detail


@pytest.mark.django_db
def test_switching_back_to_chinese_shows_chinese_again(english, reviewer):
    client = english(reviewer)
    assert "Workbench" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "工作台" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_import_errors_come_in_english_and_chinese_category_names_still_import(civil_officer):
    good = idnumbers.build("510703", dt.date(1970, 1, 1), 1)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = (
        "姓名,身份证号,户籍地区划代码,认定类别,证书编号,有效期起,有效期止,备注\n"
        f"王芳,{good},510703001,低保对象,,2023-01-01,,\n"
        f"李强,{wrong_check},510703001,低保边缘家庭成员,,2023-01-01,,\n"
    )
    with translation.override("en"):
        batch = imports.stage(
            kind=CERTIFICATION_KIND, file_name="c.csv", content=rows.encode(), by=civil_officer
        )
    assert (batch.rows_valid, batch.rows_invalid) == (1, 1)
    [report] = batch.report
    assert report["line"] == 3
    assert report["errors"] == [
        f"Wrong ID number check character: expected {good[17]}, found {wrong_check[17]}"
    ]


@pytest.mark.django_db
def test_registering_in_english_shows_english_errors_and_confirmation(english, caseworker):
    client = english(caseworker)
    data = {
        "name": "新登记",
        "id_number": "510703199101010072",
        "hukou_region": "510703001",
        "insured_region": "510703001",
        "scheme": "resident",
    }
    refused = client.post(reverse("claimants:create"), data).content.decode()
    assert "Wrong ID number check character: expected 1, found 2" in refused
    assert "校验位错误" not in refused

    response = client.post(
        reverse("claimants:create"), {**data, "id_number": "510703199101010071"}, follow=True
    )
    page = response.content.decode()
    assert '<div class="alert alert-success" role="alert">Registered</div>' in page
    assert "已登记" not in page
