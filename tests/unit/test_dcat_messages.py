"""ckanext-dcat's harvester messages as the French messages of our DCAT harvester."""
from __future__ import annotations

import traceback

from ckanext.poitiers.harvesters import dcat_messages

GUID = "https://data.example.org/explore/dataset/horodateurs/"


def _traceback() -> str:
    try:
        raise ValueError("boom")
    except ValueError:
        return traceback.format_exc()


def test_gather_messages():
    assert dcat_messages.gather_message("Error parsing the RDF file: Bad syntax at line 3") == (
        "Le catalogue n’est pas du RDF valide (Bad syntax at line 3)\u00a0; aucun jeu de données "
        "n’est retiré après un moissonnage incomplet.")
    assert dcat_messages.gather_message(
        "Could not get a unique identifier for dataset: {'title': 'x'}").startswith(
        "Un jeu de données du catalogue n’a ni identifiant ni URI")
    text = dcat_messages.gather_message(
        f"Error when processsing dataset: KeyError('title') / {_traceback()}")
    assert text.startswith("Le catalogue n’a pas pu être lu\u00a0: KeyError")
    assert "Traceback" not in text


def test_object_messages():
    refused = dcat_messages.object_message(
        "Create validation Error: {'Couverture temporelle': 'La fin précède le début'}", GUID)
    assert refused == (f"Le jeu de données de l’enregistrement {GUID} a été refusé par le "
                       "schéma\u00a0: Couverture temporelle\u00a0: La fin précède le début")
    nested = dcat_messages.object_message(
        "Create validation Error: {'Couverture temporelle': {'end': ['La fin précède le début']},"
        " 'Titre': ['Champ obligatoire', 'Trop long']}", GUID)
    assert nested.endswith("schéma\u00a0: Couverture temporelle\u00a0: end\u00a0: La fin précède "
                           "le début | Titre\u00a0: Champ obligatoire\u00a0; Trop long")
    assert dcat_messages.object_message("Update validation Error: not a dict", GUID).endswith(
        "schéma\u00a0: not a dict")
    failed = dcat_messages.object_message(
        f"Error importing dataset horodateurs: IntegrityError('dup') / {_traceback()}", GUID)
    assert failed == (f"Le jeu de données de l’enregistrement {GUID} n’a pas pu être "
                      "enregistré\u00a0: IntegrityError")
    assert dcat_messages.object_message("Empty content for object 12", GUID) == (
        f"L’enregistrement {GUID} est vide.")
    assert dcat_messages.object_message("Could not parse content for object 12", GUID) == (
        f"L’enregistrement {GUID} est illisible.")
    assert dcat_messages.object_message("RDFHarvester plugin error: no licence", GUID) == (
        f"Enregistrement {GUID}\u00a0: no licence")


def test_our_own_and_unknown_messages_are_kept():
    mine = "Le jeu de données « Horodateurs » a été refusé."
    assert dcat_messages.object_message(mine, GUID) == mine
    assert dcat_messages.gather_message("Something else") == "Something else"
