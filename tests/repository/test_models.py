"""Thesis metadata (Dublin Core / ETD-MS fields) and its backward compatibility."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from repository.models import DegreeLevel, Person, ThesisMetadata, upgrade_legacy_metadata


def test_full_record_round_trips():
    meta = ThesisMetadata(
        title="Augstākās izglītības digitalizācija",
        title_en="Digitalisation of higher education",
        abstract_lv="Pētījumā ...",
        abstract_en="The study ...",
        keywords=["digitalizācija", " e-studijas ", ""],
        authors=[{"name": "Anna Bērziņa", "orcid": "https://orcid.org/0000-0002-1825-0097"}, "Jānis Ozols"],
        supervisors=["Dr. Pēteris Kalniņš"],
        institution="Latvijas Universitāte",
        faculty="Datorikas fakultāte",
        study_programme="Datorzinātnes",
        degree="master",
        year=2024,
        defence_date=date(2024, 6, 14),
        languages=["LV", "en"],
        subjects=["Izglītība"],
        licence="CC BY 4.0",
        access="embargoed",
        embargo_until=date(2026, 6, 1),
    )
    assert meta.authors == [Person(name="Anna Bērziņa", orcid="0000-0002-1825-0097"), Person(name="Jānis Ozols")]
    assert meta.author_names == ["Anna Bērziņa", "Jānis Ozols"]
    assert meta.keywords == ["digitalizācija", "e-studijas"]
    assert meta.languages == ["lv", "en"] and meta.degree is DegreeLevel.master
    assert ThesisMetadata.model_validate_json(meta.model_dump_json()) == meta


def test_only_title_required_and_extra_forbidden():
    assert ThesisMetadata(title=" T ").title == "T"
    with pytest.raises(ValidationError):
        ThesisMetadata()
    with pytest.raises(ValidationError):
        ThesisMetadata(title=" ")
    with pytest.raises(ValidationError):
        ThesisMetadata(title="T", colour="red")


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "0000-0002-1825", "abcd-0002-1825-0097"])
def test_bad_orcid_refused(orcid):
    with pytest.raises(ValidationError, match="ORCID"):
        Person(name="A", orcid=orcid)


def test_orcid_with_x_check_digit():
    assert Person(name="A", orcid="0000-0002-9079-593x").orcid == "0000-0002-9079-593X"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("bachelor", DegreeLevel.bachelor),
        ("Bakalaura darbs", DegreeLevel.bachelor),
        ("Maģistra darbs", DegreeLevel.master),
        ("PhD", DegreeLevel.doctoral),
        ("Promocijas darbs", DegreeLevel.doctoral),
        ("professional", DegreeLevel.professional),
        ("first-level professional", DegreeLevel.first_level_professional),
        ("Kvalifikācijas darbs", DegreeLevel.first_level_professional),
        ("", None),
    ],
)
def test_degree_free_text_mapped(text, level):
    assert ThesisMetadata(title="T", degree=text).degree == level


def test_unknown_degree_refused_with_the_choices():
    with pytest.raises(ValidationError, match="unknown degree level 'habilitation'.*bachelor, master"):
        ThesisMetadata(title="T", degree="habilitation")


def test_embargo_needs_its_end_date():
    with pytest.raises(ValidationError, match="embargo_until"):
        ThesisMetadata(title="T", access="embargoed")


def test_legacy_metadata_loads():
    old = {"title": "T", "authors": ["A"], "institution": "LU", "year": 2020, "degree": "master",
           "language": "lv", "access": "open", "embargo_until": None, "extra": {}}
    meta = ThesisMetadata.model_validate(old)
    assert meta.languages == ["lv"] and meta.authors == [Person(name="A")]
    upgraded = upgrade_legacy_metadata({"title": "T", "degree": "habilitation", "access": "embargoed"})
    meta = ThesisMetadata.model_validate(upgraded)
    assert meta.extra == {"degree_text": "habilitation"} and meta.degree is None
    assert meta.access == "restricted"  # no end date: kept closed rather than opened
