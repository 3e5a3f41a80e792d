"""The migration plan of a stock-schema dataset (pure function)."""
from ckanext.poitiers.migrate import patch, plan

EU = "http://publications.europa.eu/resource/authority/"


def _pkg(**kw):
    base = {"id": "x", "name": "ancien", "notes": "Texte", "license_id": "cc-by", "extras": []}
    base.update(kw)
    return base


def test_free_extras_map_to_the_poitiers_fields():
    pkg = _pkg(extras=[{"key": "Categorie", "value": "Environnement; mobilité et transports"},
                       {"key": "insee", "value": "fr:commune:86194|Chauvigny|Saint-Benoît"},
                       {"key": "periodicite", "value": "Hebdomadaire"},
                       {"key": "date_fin", "value": "2020-12-31T00:00:00"},
                       {"key": "schema", "value": "https://schema.data.gouv.fr/scdl/budget.html"},
                       {"key": "autre", "value": "gardé"}])
    result = plan(pkg)
    assert result.changes["theme"] == [EU + "data-theme/ENVI", EU + "data-theme/TRAN"]
    assert result.changes["poitiers_theme"] == ["mobilite"]
    assert result.changes["communes"] == ["86194", "86070", "86214"]
    assert result.changes["frequency"] == EU + "frequency/WEEKLY"
    assert result.changes["temporal_coverage"] == [{"end": "2020-12-31"}]
    assert result.changes["data_schema"] == "scdl/budget"
    assert result.missing == ["personal_data"]
    data = patch(pkg, result)
    assert data["extras"] == [{"key": "autre", "value": "gardé"}]


def test_invalid_top_level_values_left_by_the_old_schema_are_converted():
    result = plan(_pkg(frequency="realtime", theme=["TRAN"], communes=["Grand Poitiers"]))
    assert result.changes == {"frequency": EU + "frequency/UPDATE_CONT",
                              "theme": [EU + "data-theme/TRAN"], "communes": ["200069854"]}


def test_a_poitiers_dataset_needs_nothing():
    pkg = _pkg(theme=[EU + "data-theme/TRAN"], communes=["86194"], personal_data="none",
               frequency=EU + "frequency/DAILY", contact=[{"email": "a@b.fr"}])
    result = plan(pkg)
    assert not result.needed and result.missing == []


def test_unknown_values_are_reported_not_guessed():
    result = plan(_pkg(extras=[{"key": "frequency", "value": "quand on peut"},
                               {"key": "commune", "value": "Paris"}],
                       maintainer_email="pas-une-adresse"))
    assert ("frequency", "quand on peut") in result.unmapped
    assert ("communes", "Paris") in result.unmapped
    assert "contact" not in result.changes
    assert set(result.missing) == {"theme", "communes", "frequency", "personal_data"}


def test_defaults_fill_only_what_is_missing():
    result = plan(_pkg(extras=[{"key": "frequency", "value": "daily"}]),
                  {"frequency": EU + "frequency/UNKNOWN", "communes": ["200069854"]})
    assert result.changes["frequency"] == EU + "frequency/DAILY"
    assert result.changes["communes"] == ["200069854"]


def test_french_dates_are_read_and_what_is_not_a_date_is_reported():
    result = plan(_pkg(extras=[{"key": "temporal_start", "value": "31/12/2019"},
                               {"key": "temporal_end", "value": "fin 2020"}]))
    assert result.changes["temporal_coverage"] == [{"start": "2019-12-31"}]
    assert ("temporal_coverage", "fin 2020") in result.unmapped
    # the schema reserves « temporal_end »: its value is kept under another name
    assert result.renamed_extras == {"temporal_end": "ancien_temporal_end"}
    assert patch(_pkg(extras=[{"key": "temporal_start", "value": "31/12/2019"},
                              {"key": "temporal_end", "value": "fin 2020"}]),
                 result)["extras"] == [{"key": "ancien_temporal_end", "value": "fin 2020"}]


def test_reserved_extras_that_map_to_nothing_are_renamed_not_lost():
    pkg = _pkg(extras=[{"key": "spatial-text", "value": "Vienne"},
                       {"key": "spatial-uri", "value": "https://id.insee.fr/geo/departement/86"},
                       {"key": "autre", "value": "gardé"}])
    result = plan(pkg)
    assert ("communes", "Vienne") in result.unmapped
    assert result.renamed_extras == {"spatial-text": "ancien_spatial-text",
                                     "spatial-uri": "ancien_spatial-uri"}
    assert result.needed
    assert patch(pkg, result)["extras"] == [
        {"key": "ancien_spatial-text", "value": "Vienne"},
        {"key": "ancien_spatial-uri", "value": "https://id.insee.fr/geo/departement/86"},
        {"key": "autre", "value": "gardé"}]
