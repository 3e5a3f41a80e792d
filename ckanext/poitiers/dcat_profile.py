"""The ``poitiers`` DCAT profile, chained after ckanext-dcat's ``euro_dcat_ap_3``.

``euro_dcat_ap_3`` writes the DCAT-AP 3 graph of a dataset from the scheming fields it knows
(title, description, keywords, theme, frequency, contact, publisher, temporal coverage,
distributions). This profile completes it with the Poitiers fields and types every value so that
the range constraints of the DCAT-AP 3.0.1 SHACL shapes hold:

* themes are ``skos:Concept`` with their EU labels, in the EU ``data-theme`` scheme; Poitiers
  sub-themes become keywords (what data.gouv.fr's DCAT harvester reads);
* frequencies are ``dct:Frequency`` with labels; communes are ``dct:Location`` named by INSEE code
  (``https://geo.api.gouv.fr/communes/86194``);
* the publisher is an agent identified by its SIREN (URI, ``dct:identifier``, ``adms:identifier``)
  with an ADMS publisher type from the organization's ``org_type``; without a ``publisher`` field
  it is the dataset's organization;
* distributions get a typed ``dct:format`` (EU file-type), ``dcat:mediaType`` (IANA), the
  dataset licence as a ``dct:LicenseDocument``, and the data schema as ``dct:conformsTo`` when
  they follow it;
* the catalogue gets a publisher, a language and its theme taxonomy.

When harvesting, it reads what ``euro_dcat_ap_3`` leaves out of catalogues that are looser than
DCAT-AP (udata, many GeoDCAT exports): a licence given on the dataset (``dct:license`` or
``dct:rights``, a URI or a title) rather than on its distributions, and ``dct:abstract`` when
there is no ``dct:description``. The harvester's mapping turns them into our values.

Every URI and label comes from :mod:`ckanext.poitiers.vocabularies`.
"""
from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from ckanext.dcat.profiles.base import (
    ADMS,
    DCAT,
    DCT,
    FOAF,
    LOCN,
    RDF,
    SKOS,
    XSD,
    RDFProfile,
)
from ckanext.dcat.utils import resource_uri
from ckanext.poitiers import vocabularies as voc

DATA_THEME_SCHEME = URIRef("http://publications.europa.eu/resource/authority/data-theme")
FREQUENCY_SCHEME = URIRef("http://publications.europa.eu/resource/authority/frequency")
LANGUAGE_FRA = URIRef("http://publications.europa.eu/resource/authority/language/FRA")
ACCESS_PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
PUBLISHER_TYPE_BASE = "http://purl.org/adms/publishertype/"

SCHEME_TITLES = {
    DATA_THEME_SCHEME: {"fr": "Thèmes de données (UE)", "en": "Data themes (EU)"},
    FREQUENCY_SCHEME: {"fr": "Fréquences (UE)", "en": "Frequencies (EU)"},
}
PUBLISHER_TYPE_LABELS = {
    "LocalAuthority": {"fr": "Autorité locale", "en": "Local Authority"},
    "NonProfitOrganisation": {"fr": "Organisation à but non lucratif",
                              "en": "Non-Profit Organisation"},
    "Company": {"fr": "Entreprise", "en": "Company"},
}


def _labels(g, ref, labels: dict, predicate=SKOS.prefLabel):
    for lang, text in labels.items():
        if text:
            g.add((ref, predicate, Literal(text, lang=lang)))


class PoitiersDCATAPProfile(RDFProfile):
    """Poitiers additions to DCAT-AP 3."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # per serialisation (a class-level cache would keep an organization's old SIREN or type)
        self._organizations: dict = {}

    # ------------------------------------------------------------------ harvesting

    def parse_dataset(self, dataset_dict, dataset_ref):
        if not dataset_dict.get("license_id"):
            for predicate in (DCT.license, DCT.rights):
                # sorted: a graph is a set, and the record hash must not depend on its order
                values = sorted(self.g.objects(dataset_ref, predicate), key=str)
                uris = [v for v in values if isinstance(v, URIRef)]
                titles = [str(v).strip() for v in values if isinstance(v, Literal)]
                for node in values:
                    if not isinstance(node, Literal):
                        titles += sorted(str(t).strip() for p in (DCT.title, RDFS.label)
                                         for t in self.g.objects(node, p))
                if uris and not dataset_dict.get("license_url"):
                    dataset_dict["license_url"] = str(uris[0])
                if titles and not dataset_dict.get("license_title"):
                    dataset_dict["license_title"] = titles[0]
                if uris or titles:
                    break
        abstract = self._object_value(dataset_ref, DCT.abstract)
        if abstract and not dataset_dict.get("notes"):
            dataset_dict["notes"] = abstract
        elif abstract:
            # what graph_from_dataset writes for « À quoi servent ces données ? »
            dataset_dict["purpose"] = abstract
        periods = dataset_dict.get("temporal_coverage")
        if isinstance(periods, list) and all(isinstance(p, dict) for p in periods):
            # in a stable order (a graph is a set)
            dataset_dict["temporal_coverage"] = sorted(
                periods, key=lambda p: (str(p.get("start") or ""), str(p.get("end") or "")))
        self._parse_themes(dataset_dict, dataset_ref)
        self._parse_places(dataset_dict, dataset_ref)
        self._parse_standard(dataset_dict, dataset_ref)
        return dataset_dict

    def _parse_themes(self, dataset_dict, dataset_ref):
        """EU themes as a list; the keywords that are Poitiers sub-themes (as written by
        graph_from_dataset) back to ``poitiers_theme`` instead of tags cut at their commas."""
        themes = [str(t) for t in voc.as_list(dataset_dict.get("theme"))]
        if themes:
            # the EU themes in vocabulary order (as package_show gives them), others after
            known = voc.values("eu_themes")
            dataset_dict["theme"] = ([t for t in known if t in themes]
                                     + sorted(t for t in set(themes) if t not in known))
        by_label = {voc.label("poitiers_themes", v, "fr"): v
                    for v in voc.values("poitiers_themes")}
        keywords = sorted({str(k) for k in self.g.objects(dataset_ref, DCAT.keyword)})
        subthemes = {by_label[k] for k in keywords if k in by_label}
        if not subthemes:
            return
        dataset_dict["poitiers_theme"] = [v for v in voc.values("poitiers_themes")
                                          if v in subthemes]
        # ckanext-dcat's tags (keywords cut at their commas), without the pieces of the
        # sub-themes' labels; a piece that is also a keyword of its own stays
        from ckan.lib.munge import munge_tag

        pieces = {p.strip() for k in keywords if k not in by_label for p in k.split(",")}
        pieces |= {munge_tag(p) for p in pieces}
        names = []
        for tag in dataset_dict.get("tags") or []:
            name = tag.get("name") if isinstance(tag, dict) else None
            if name and name in pieces and name not in names:
                names.append(name)
        dataset_dict["tags"] = [{"name": name} for name in names]

    def _parse_places(self, dataset_dict, dataset_ref):
        """The places of ``dct:spatial``: the communes of Grand Poitiers (written by
        graph_from_dataset as their geo.api.gouv.fr URIs) to ``communes``, the others, each
        apart, to ``spatial_coverage`` (ckanext-dcat merges every place into one)."""
        by_uri = {voc.commune_uri(v): v for v in voc.values("communes")}
        codes, places = set(), []
        for node in self.g.objects(dataset_ref, DCT.spatial):
            if isinstance(node, URIRef) and str(node) in by_uri:
                codes.add(by_uri[str(node)])
                continue
            place = {"uri": str(node) if isinstance(node, URIRef) else None,
                     "text": str(node) if isinstance(node, Literal) else None}
            for predicate in (SKOS.prefLabel, RDFS.label):
                label = self._object_value(node, predicate)
                place["text"] = label or place["text"]
            for key, predicate in (("geom", LOCN.geometry), ("bbox", DCAT.bbox),
                                   ("centroid", DCAT.centroid)):
                place[key] = self._parse_geodata(node, predicate, None)
            place = {k: v for k, v in place.items() if v}
            if place:
                places.append(place)
        if not codes:
            return
        dataset_dict["communes"] = [v for v in voc.values("communes") if v in codes]
        if places:
            # in a stable order (blank nodes are named anew at each parse)
            dataset_dict["spatial_coverage"] = sorted(places, key=lambda p: sorted(p.items()))
        else:
            dataset_dict.pop("spatial_coverage", None)

    def _parse_standard(self, dataset_dict, dataset_ref):
        """A schema of schema.data.gouv.fr in ``dct:conformsTo`` → ``data_schema`` and the
        version graph_from_dataset wrote (``owl:versionInfo``)."""
        by_url = {voc.entry("data_schemas", v)["url"]: v for v in voc.values("data_schemas")}
        for node in sorted(self.g.objects(dataset_ref, DCT.conformsTo), key=str):
            if str(node) in by_url:
                dataset_dict["data_schema"] = by_url[str(node)]
                version = self._object_value(node, OWL.versionInfo)
                if version:
                    dataset_dict["data_schema_version"] = version
                return

    # ------------------------------------------------------------------ helpers

    def _scheme(self, scheme):
        g = self.g
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        _labels(g, scheme, SCHEME_TITLES[scheme], DCT.title)

    def _concept(self, ref, labels: dict, scheme=None):
        g = self.g
        g.add((ref, RDF.type, SKOS.Concept))
        _labels(g, ref, labels)
        if scheme is not None:
            g.add((ref, SKOS.inScheme, scheme))
            self._scheme(scheme)

    def _organization(self, dataset_dict) -> dict:
        org = dataset_dict.get("organization") or {}
        org_id = org.get("id") if isinstance(org, dict) else None
        if not org_id:
            return {}
        if org_id not in self._organizations:
            import ckan.plugins.toolkit as tk

            try:
                self._organizations[org_id] = tk.get_action("organization_show")(
                    {"ignore_auth": True}, {"id": org_id, "include_datasets": False})
            except tk.ObjectNotFound:
                self._organizations[org_id] = {}
        return self._organizations[org_id]

    def _replace_node(self, old, new):
        """Rename a node of the graph (a blank publisher becomes its SIREN-based URI)."""
        g = self.g
        if old == new:
            return
        for p, o in list(g.predicate_objects(old)):
            g.remove((old, p, o))
            g.add((new, p, o))
        for s, p in list(g.subject_predicates(old)):
            g.remove((s, p, old))
            g.add((s, p, new))

    # ------------------------------------------------------------------ dataset

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        for uri in voc.as_list(dataset_dict.get("theme")):
            found = voc.entry("eu_themes", uri)
            if found:
                self._concept(URIRef(uri), found["label"], DATA_THEME_SCHEME)

        for sub in voc.as_list(dataset_dict.get("poitiers_theme")):
            found = voc.entry("poitiers_themes", sub)
            if found:
                g.add((dataset_ref, DCAT.keyword, Literal(found["label"]["fr"], lang="fr")))

        frequency = voc.entry("frequencies", dataset_dict.get("frequency"))
        if frequency:
            ref = URIRef(frequency["value"])
            g.add((ref, RDF.type, DCT.Frequency))
            self._concept(ref, frequency["label"], FREQUENCY_SCHEME)

        # the other places (spatial_coverage, written by ckanext-dcat): their names are French
        for ref in g.objects(dataset_ref, DCT.spatial):
            for label in list(g.objects(ref, SKOS.prefLabel)):
                if isinstance(label, Literal) and not label.language and not label.datatype:
                    g.remove((ref, SKOS.prefLabel, label))
                    g.add((ref, SKOS.prefLabel, Literal(str(label), lang="fr")))

        for code in voc.as_list(dataset_dict.get("communes")):
            commune = voc.entry("communes", code)
            if not commune:
                continue
            ref = URIRef(commune["uri"])
            g.add((dataset_ref, DCT.spatial, ref))
            g.add((ref, RDF.type, DCT.Location))
            g.add((ref, SKOS.prefLabel, Literal(commune["label"]["fr"], lang="fr")))
            g.add((ref, DCT.identifier, Literal(code)))

        g.add((dataset_ref, DCT.language, LANGUAGE_FRA))
        g.add((LANGUAGE_FRA, RDF.type, DCT.LinguisticSystem))
        if not dataset_dict.get("private"):
            g.add((dataset_ref, DCT.accessRights, ACCESS_PUBLIC))
            g.add((ACCESS_PUBLIC, RDF.type, DCT.RightsStatement))
            self._concept(ACCESS_PUBLIC, {"fr": "Public", "en": "Public"})

        standard = self._standard(dataset_dict)
        if standard is not None:
            g.add((dataset_ref, DCT.conformsTo, standard))

        purpose = dataset_dict.get("purpose")
        if purpose:
            g.add((dataset_ref, DCT.abstract, Literal(purpose, lang="fr")))

        self._publisher(dataset_dict, dataset_ref)
        self._distributions(dataset_dict, standard)

        for ref in g.objects(dataset_ref, DCAT.landingPage):
            g.add((ref, RDF.type, FOAF.Document))

    def _standard(self, dataset_dict):
        schema = voc.entry("data_schemas", dataset_dict.get("data_schema"))
        if not schema:
            return None
        g = self.g
        ref = URIRef(schema["url"])
        g.add((ref, RDF.type, DCT.Standard))
        _labels(g, ref, schema["label"], DCT.title)
        g.add((ref, DCT.identifier, Literal(schema["value"])))
        version = (dataset_dict.get("data_schema_version")
                   or voc.latest_schema_version(schema["value"]))
        if version:
            g.add((ref, OWL.versionInfo, Literal(version)))
        return ref

    def _publisher(self, dataset_dict, dataset_ref):
        g = self.g
        publishers = list(g.objects(dataset_ref, DCT.publisher))
        org = self._organization(dataset_dict)
        given = (dataset_dict.get("publisher") or [{}])[0] or {}
        siren = voc.normalise_siren(given.get("identifier") or "") or (
            org.get("siren") if not given.get("name") else "")
        org_type = voc.entry("org_types", org.get("org_type")) if not given.get("name") else None
        if not publishers:
            if not org:
                return
            ref = BNode()
            g.add((dataset_ref, DCT.publisher, ref))
            g.add((ref, RDF.type, FOAF.Agent))
            g.add((ref, FOAF.name, Literal(org.get("title") or org.get("name"))))
            publishers = [ref]
        for ref in publishers:
            g.add((ref, RDF.type, FOAF.Agent))
            if not list(g.objects(ref, FOAF.name)):
                g.add((ref, FOAF.name, Literal(org.get("title") or org.get("name") or "")))
            if siren and voc.siren_or_siret_ok(siren):
                siren9 = siren[:9]
                for old in list(g.objects(ref, DCT.identifier)):
                    g.remove((ref, DCT.identifier, old))
                g.add((ref, DCT.identifier, Literal(siren)))
                identifier = BNode()
                g.add((ref, ADMS.identifier, identifier))
                g.add((identifier, RDF.type, ADMS.Identifier))
                g.add((identifier, SKOS.notation, Literal(siren)))
                g.add((identifier, DCT.creator, URIRef("https://www.insee.fr")))
                if isinstance(ref, BNode):
                    self._replace_node(ref, URIRef(voc.SIREN_BASE + siren9))
                    ref = URIRef(voc.SIREN_BASE + siren9)
            if org_type:
                type_ref = URIRef(PUBLISHER_TYPE_BASE + org_type["dcat_type"])
                for old in list(g.objects(ref, DCT.type)):
                    g.remove((ref, DCT.type, old))
                g.add((ref, DCT.type, type_ref))
                self._concept(type_ref, PUBLISHER_TYPE_LABELS[org_type["dcat_type"]])
            else:
                for value in list(g.objects(ref, DCT.type)):
                    if isinstance(value, Literal):
                        g.remove((ref, DCT.type, value))
            for homepage in g.objects(ref, FOAF.homepage):
                g.add((homepage, RDF.type, FOAF.Document))

    def _distributions(self, dataset_dict, standard):
        g = self.g
        licence = voc.licence(dataset_dict.get("license_id"))
        licence_ref = None
        if licence and licence.get("url"):
            licence_ref = URIRef(licence["url"])
            g.add((licence_ref, RDF.type, DCT.LicenseDocument))
            g.add((licence_ref, DCT.title, Literal(licence["title"])))
            if licence.get("spdx"):
                g.add((licence_ref, DCT.identifier, Literal(licence["spdx"])))
        elif licence and licence["id"] != "notspecified":
            # a licence without a document of its own (« Autre licence (pas d'utilisation
            # commerciale) »…) is still stated: a harvesting portal shows what it allows
            licence_ref = BNode()
            g.add((licence_ref, RDF.type, DCT.LicenseDocument))
            g.add((licence_ref, DCT.title, Literal(licence["title"], lang="fr")))
        for resource in dataset_dict.get("resources", []):
            dist = URIRef(resource_uri(resource))
            fmt = resource.get("format")
            fmt_uri = voc.format_uri(fmt)
            for old in list(g.objects(dist, DCT["format"])):
                g.remove((dist, DCT["format"], old))
            if fmt_uri:
                g.add((dist, DCT["format"], URIRef(fmt_uri)))
                g.add((URIRef(fmt_uri), RDF.type, DCT.MediaTypeOrExtent))
            elif fmt:
                node = BNode()
                g.add((dist, DCT["format"], node))
                g.add((node, RDF.type, DCT.MediaTypeOrExtent))
                g.add((node, DCT.title, Literal(fmt)))
            media = voc.media_type_uri(fmt, resource.get("mimetype"))
            for old in list(g.objects(dist, DCAT.mediaType)):
                g.remove((dist, DCAT.mediaType, old))
            if media:
                g.add((dist, DCAT.mediaType, URIRef(media)))
                g.add((URIRef(media), RDF.type, DCT.MediaType))
            for old in list(g.objects(dist, DCT.license)):
                if isinstance(old, Literal) or licence_ref is not None:
                    g.remove((dist, DCT.license, old))
            if licence_ref is not None:
                g.add((dist, DCT.license, licence_ref))
            if standard is not None and str(resource.get("conforms_to_schema")) == "true":
                g.add((dist, DCT.conformsTo, standard))
            size = resource.get("size")
            for old in list(g.objects(dist, DCAT.byteSize)):
                g.remove((dist, DCAT.byteSize, old))
            if isinstance(size, int) or (isinstance(size, str) and size.isdigit()):
                g.add((dist, DCAT.byteSize, Literal(int(size), datatype=XSD.nonNegativeInteger)))
            for page in g.objects(dist, FOAF.page):
                g.add((page, RDF.type, FOAF.Document))
            for language in g.objects(dist, DCT.language):
                g.add((language, RDF.type, DCT.LinguisticSystem))

    # ------------------------------------------------------------------ catalogue

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        import ckan.plugins.toolkit as tk

        g = self.g
        siren = tk.config.get("ckanext.poitiers.dcat.catalog_publisher_siren") or (
            voc.GRAND_POITIERS_SIREN)
        name = tk.config.get("ckanext.poitiers.dcat.catalog_publisher_name") or (
            "Grand Poitiers Communauté urbaine")
        if not list(g.objects(catalog_ref, DCT.publisher)):
            ref = URIRef(voc.SIREN_BASE + voc.normalise_siren(siren)[:9])
            g.add((catalog_ref, DCT.publisher, ref))
            g.add((ref, RDF.type, FOAF.Agent))
            g.add((ref, FOAF.name, Literal(name)))
            g.add((ref, DCT.identifier, Literal(voc.normalise_siren(siren))))
            type_ref = URIRef(PUBLISHER_TYPE_BASE + "LocalAuthority")
            g.add((ref, DCT.type, type_ref))
            self._concept(type_ref, PUBLISHER_TYPE_LABELS["LocalAuthority"])
        if not list(g.objects(catalog_ref, DCT.description)):
            g.add((catalog_ref, DCT.description, Literal(
                tk.config.get("ckan.site_description") or tk.config.get("ckan.site_title")
                or "Poitiers", lang="fr")))
        for old in list(g.objects(catalog_ref, DCT.language)):
            g.remove((catalog_ref, DCT.language, old))
        g.add((catalog_ref, DCT.language, LANGUAGE_FRA))
        g.add((LANGUAGE_FRA, RDF.type, DCT.LinguisticSystem))
        g.add((catalog_ref, DCAT.themeTaxonomy, DATA_THEME_SCHEME))
        self._scheme(DATA_THEME_SCHEME)
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))
        for licence in g.objects(catalog_ref, DCT.license):
            g.add((licence, RDF.type, DCT.LicenseDocument))

