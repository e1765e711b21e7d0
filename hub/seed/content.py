"""The seed content as plain data, taken verbatim from chantiers-communs.txt (spring 2021)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier, PortalPage, Step
from events.models import Event
from projets.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")

# The only corrections made to the document's text, applied to it by the faithfulness test
# before comparing: "Ouiller" is a typo for "Outiller" (objective of "Diagnostics"), and "2^e"
# is a superscript lost in conversion ("au 2e semestre", échéancier of "Communication").
# Besides these, lost links "[texte](#)" are read as their text, the "Objectif :" and
# "Ressources :" prefixes are dropped, and the lost-link remarks "(infos et inscriptions)" /
# "(inscriptions)", "(en continu)" and "(à définir)" leave the step titles for the step's event,
# its is_continuous flag and its missing date (the pages say « Date à définir » for it).
DOCUMENT_FIXES: tuple[tuple[str, str], ...] = (
    ("Ouiller", "Outiller"),
    ("2^e semestre", "2e semestre"),
)


@dataclass(frozen=True)
class ProvinceSeed:
    name: str
    slug: str
    code: str
    centre_latitude: Decimal
    centre_longitude: Decimal
    zoom: int
    order: int


@dataclass(frozen=True)
class ProjectTypeSeed:
    name: str
    slug: str
    order: int


@dataclass(frozen=True)
class OrganisationSeed:
    name: str
    acronym: str
    slug: str
    kind: Organisation.Kind


@dataclass(frozen=True)
class ResourceSeed:
    title: str
    description: str
    provider: str | None  # slug of an OrganisationSeed
    order: int
    url: str = ""  # The document's links were lost in conversion.
    page: str = ""  # a chantiers.models.PortalPage: the portal's own page that is the resource


@dataclass(frozen=True)
class PartnerSeed:
    """An organisation the document names as a partner of a chantier, with its part in the
    document's words."""

    organisation: str  # slug of an OrganisationSeed
    role: str
    order: int


@dataclass(frozen=True)
class StepSeed:
    order: int
    title: str
    description: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    date_precision: str = Step.Precision.DAY
    is_continuous: bool = False
    status: Step.Status = Step.Status.PLANNED
    event: str | None = None  # slug of an EventSeed


@dataclass(frozen=True)
class ChantierSeed:
    title: str
    slug: str
    order: int
    status: Chantier.Status = Chantier.Status.ACTIVE
    summary: str = ""
    objective: str = ""
    description: str = ""
    resources: tuple[ResourceSeed, ...] = field(default_factory=tuple)
    partners: tuple[PartnerSeed, ...] = field(default_factory=tuple)
    steps: tuple[StepSeed, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class EventSeed:
    title: str
    slug: str
    kind: Event.Kind
    chantier: str  # slug of a ChantierSeed
    province: str | None  # slug of a ProvinceSeed; None for Wallonia as a whole
    start: datetime.datetime
    end: datetime.datetime | None
    organiser: str  # slug of an OrganisationSeed
    time_to_be_confirmed: bool = False
    status: Event.Status = Event.Status.PUBLISHED
    capacity: int | None = None
    summary: str = ""
    description: str = ""


# --- Home page ---------------------------------------------------------------------------------

INTRO = _(
    "Lors des réunions de lancement de vos projets, nous avons évoqué ensemble plusieurs "
    "chantiers communs dont l'avancée pourrait servir plusieurs d'entre vous. Voici le "
    "compte-rendu de ces discussions avec les pistes d'actions envisagées."
)
CONTACT = _(
    "Pour un suivi au plus proche des acteurs de terrain, pour vos demandes d'expertises, pour "
    "échanger vos petites et grandes avancées : contactez vos chargé.es de mission territoriale "
    "Manger Demain."
)

# --- Provinces, project types, organisations -----------------------------------------------------

# Map centres are the approximate geographic centres of the provinces.
PROVINCES: tuple[ProvinceSeed, ...] = (
    ProvinceSeed(
        "Brabant wallon", "brabant-wallon", "BW", Decimal("50.67000"), Decimal("4.60000"), 10, 1
    ),
    ProvinceSeed("Hainaut", "hainaut", "HT", Decimal("50.42000"), Decimal("3.95000"), 9, 2),
    ProvinceSeed("Liège", "liege", "LG", Decimal("50.48000"), Decimal("5.72000"), 9, 3),
    ProvinceSeed("Luxembourg", "luxembourg", "LX", Decimal("49.95000"), Decimal("5.48000"), 9, 4),
    ProvinceSeed("Namur", "namur", "NA", Decimal("50.25000"), Decimal("4.85000"), 9, 5),
)

PROJECT_TYPES: tuple[ProjectTypeSeed, ...] = tuple(
    ProjectTypeSeed(name, slug, order)
    for order, (name, slug) in enumerate(
        [
            ("Logistique", "logistique"),
            ("Cuisines de collectivités", "cuisines-de-collectivites"),
            ("Communication", "communication"),
            ("Sensibilisation", "sensibilisation"),
            ("Gouvernance", "gouvernance"),
            ("Production", "production"),
            ("Transformation", "transformation"),
            ("Distribution", "distribution"),
        ],
        start=1,
    )
)

CELLULE = "cellule-manger-demain"
Kind = Organisation.Kind

# Full names only where the document gives them or they are certain; otherwise the name stays
# as the document writes it.
ORGANISATIONS: tuple[OrganisationSeed, ...] = (
    OrganisationSeed("RATA", "RATA", "rata", Kind.OTHER),
    OrganisationSeed(
        "Réseau des acteurs wallons pour une alimentation durable", "RAWAD", "rawad", Kind.NETWORK
    ),
    OrganisationSeed("Agroecology in action", "AIA", "aia", Kind.NETWORK),
    OrganisationSeed("Collège wallon de l'alimentation durable", "CwAD", "cwad", Kind.PUBLIC),
    OrganisationSeed(
        "Agence wallonne pour la promotion d'une agriculture de qualité",
        "APAQ-W",
        "apaq-w",
        Kind.AGENCY,
    ),
    OrganisationSeed("BIOWALLONIE", "BIOWALLONIE", "biowallonie", Kind.AGENCY),
    OrganisationSeed("Collège des producteurs", "", "college-des-producteurs", Kind.AGENCY),
    OrganisationSeed("Service public de Wallonie", "SPW", "spw", Kind.PUBLIC),
    OrganisationSeed("WAGRALIM", "WAGRALIM", "wagralim", Kind.NETWORK),
    OrganisationSeed("SOWALFIN", "SOWALFIN", "sowalfin", Kind.AGENCY),
    OrganisationSeed("Cellule Manger Demain", "", CELLULE, Kind.AGENCY),
)

# --- Events ----------------------------------------------------------------------------------

WORKSHOP_SLUG = "atelier-accompagnement-economique-financier-micro-credits-2021-05-06"
WORKSHOP_STEP = (
    "Organisation d'un atelier thématique sur les structures d'accompagnement "
    "économique/financier et de micro-crédits le 6 mai 2021"
)

TERRITORIAL_PURPOSE = (
    "Afin de rassembler les acteurs d'un même territoire, des rencontres territoriales seront "
    "proposées. Le but est de mieux connaître les projets qui existent autour de vous et de "
    "créer/renforcer des synergies entre vous. Bien que vous connaissiez probablement la "
    "majorité des acteurs qui vous entourent, il peut être intéressant d'avoir des moments de "
    "discussion privilégiés avec eux."
)

# (province slug, province name, date, the échéancier's sentence), in the document's order.
TERRITORIAL_MEETINGS: tuple[tuple[str, str, datetime.date, str], ...] = (
    (
        "liege",
        "Liège",
        datetime.date(2021, 6, 1),
        "Rencontre pour le territoire de Liège le 1er juin dès 14h",
    ),
    (
        "namur",
        "Namur",
        datetime.date(2021, 6, 8),
        "Rencontre pour le territoire de Namur le 8 juin dès 14h",
    ),
    (
        "luxembourg",
        "Luxembourg",
        datetime.date(2021, 6, 10),
        "Rencontre pour le territoire de Luxembourg le 10 juin dès 14h",
    ),
    (
        "brabant-wallon",
        "Brabant wallon",
        datetime.date(2021, 6, 17),
        "Rencontre pour le territoire du Brabant Wallon le 17 juin dès 14h",
    ),
    (
        "hainaut",
        "Hainaut",
        datetime.date(2021, 6, 24),
        "Rencontre pour le territoire du Hainaut le 24 juin dès 14h",
    ),
)


def _territorial_slug(province: str, day: datetime.date) -> str:
    return f"rencontre-territoriale-{province}-{day.isoformat()}"


EVENTS: tuple[EventSeed, ...] = (
    EventSeed(
        title=(
            "Atelier sur les structures d'accompagnement économique/financier et de micro-crédits"
        ),
        slug=WORKSHOP_SLUG,
        kind=Event.Kind.WORKSHOP,
        chantier="recueil-expertises",
        province=None,
        # The document gives the day only: midnight, with the hour flagged as to be confirmed.
        start=datetime.datetime(2021, 5, 6, 0, 0, tzinfo=BRUSSELS),
        end=None,
        time_to_be_confirmed=True,
        organiser=CELLULE,
        summary=WORKSHOP_STEP,
    ),
    *(
        EventSeed(
            title=f"Rencontre territoriale – {name}",
            slug=_territorial_slug(province, day),
            kind=Event.Kind.TERRITORIAL_MEETING,
            chantier="approche-territoriale",
            province=province,
            # "dès 14h": the start is known, the end is not; no venue is given.
            start=datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=BRUSSELS),
            end=None,
            organiser=CELLULE,
            summary=sentence,
            description=TERRITORIAL_PURPOSE,
        )
        for province, name, day, sentence in TERRITORIAL_MEETINGS
    ),
)

# --- Chantiers -------------------------------------------------------------------------------

# The document's words on the pistes, which their pages quote (chantiers/includes/piste_body.html
# and the list of pistes): the pistes themselves are titles only, with no description of their
# own (an earlier seed gave each of them CANDIDATES_INTRO; hub.0003 clears it).
CANDIDATES_INTRO = "Voici quelques pistes de futurs chantiers qui ont été citées lors des échanges."
CANDIDATES_INVITATION = "N'hésitez pas à revenir vers nous afin de compléter la liste"

CPA_SLUG = "conseils-politiques-alimentaires"
# The partners the document names for the food policy councils, each with its part in the
# document's words.
CPA_PARTNERS: tuple[PartnerSeed, ...] = (
    PartnerSeed(
        "rata",
        "Accompagner ceux-ci sur des aspects méthodologiques et de mise en œuvre est une mission "
        "qui sera menée en collaboration avec les partenaires du projet RATA",
        1,
    ),
    PartnerSeed("rawad", "La note d'orientation devra être éclairée par les travaux du RAWAD", 2),
    PartnerSeed("aia", "La note d'orientation devra être éclairée par les travaux d'AIA", 3),
    PartnerSeed("cwad", "Avec le soutien du CwAD", 4),
)

CHANTIERS: tuple[ChantierSeed, ...] = (
    ChantierSeed(
        title="Diagnostics",
        slug="diagnostics",
        order=1,
        summary=("Plusieurs projets prévoient de réaliser un diagnostic alimentaire territorial."),
        objective="Outiller, partager et centraliser ces travaux.",
        description=(
            "Plusieurs projets prévoient de réaliser un diagnostic alimentaire territorial. "
            "Ils sont pour certains généraux, pour d'autres, ils ciblent des aspects plus précis "
            "liés à l'alimentation (les travaux en lien avec la caractérisation de l'offre et de "
            "la demande seront traités dans un chantier séparé)."
        ),
    ),
    ChantierSeed(
        title="Caractérisation offre/demande",
        slug="caracterisation-offre-demande",
        order=2,
        summary=(
            "Ce chantier concerne les diagnostics d'offre et de demande de produits locaux, la "
            "quantification des flux alimentaires, les propositions de mise en place de "
            "cartographies et/ou de solutions digitales permettant aux consommateurs "
            "d'identifier et de localiser une offre de proximité."
        ),
        objective="Partager, capitaliser et faire du lien entre ces travaux.",
        description=(
            "Ce chantier concerne les diagnostics d'offre et de demande de produits locaux, la "
            "quantification des flux alimentaires, les propositions de mise en place de "
            "cartographies et/ou de solutions digitales permettant aux consommateurs "
            "d'identifier et de localiser une offre de proximité."
        ),
        resources=(
            ResourceSeed(
                title="Répertoire",
                description=(
                    "La cellule Manger Demain a référencé une série de bases de données "
                    "existantes pour un approvisionnement local à destination des "
                    "consommateurs. Ce répertoire donne un aperçu sans doute non exhaustif des "
                    "initiatives : C'est pourquoi il se veut évolutif. Il montre la nécessité "
                    "de travailler avec l'existant (déjà riche et multiple) et surtout de "
                    "simplifier les messages distillés aux consommateurs."
                ),
                provider=CELLULE,
                order=1,
            ),
            ResourceSeed(
                title="Le clic local",
                description=(
                    "La cellule Manger Demain travaille avec l'APAQ-W, BIOWALLONIE, le Collège "
                    "des producteurs, le SPW et WAGRALIM pour référencer l'offre et la demande "
                    "concernant la restauration collective notamment à travers le clic local."
                ),
                provider=CELLULE,
                order=2,
            ),
            ResourceSeed(
                title="Plateforme Craft",
                description=(
                    "La SOWALFIN travaille au travers de la Plateforme Craft : créée pour "
                    "accueillir et valoriser les données socio-économiques d'un territoire. "
                    "Elle permet également de répondre à des missions d'observation, de "
                    "coordination, d'accompagnement ou de valorisation des filières."
                ),
                provider="sowalfin",
                order=3,
            ),
            ResourceSeed(
                title="Projet FRUGAL",
                description=(
                    "Pour info, un projet dans l'Ouest de la France a recensé un travail "
                    "méthodologique de terrain pour proposer une quantification des flux "
                    "alimentaires des grandes villes : Il s'agit du projet FRUGAL."
                ),
                provider=None,
                order=4,
            ),
        ),
    ),
    ChantierSeed(
        title="Conseils de politiques alimentaires",
        slug=CPA_SLUG,
        order=3,
        summary="Cela concerne directement 6 projets.",
        objective=(
            "Accompagner et alimenter les CPA dans leur mise en place, et leur permettre de "
            "pouvoir travailler ensemble."
        ),
        description=(
            "Cela concerne directement 6 projets. Accompagner ceux-ci sur des aspects "
            "méthodologiques et de mise en œuvre est une mission qui sera menée en collaboration "
            "avec les partenaires du projet RATA : la note d'orientation rédigée dans ce cadre "
            "devra être éprouvée sur le terrain et éclairée par les travaux du RAWAD (Réseau des "
            "acteurs wallons pour une alimentation durable), d'AIA (Agroecology in action) et de "
            "Manger Demain, tout cela, avec le soutien du CwAD. Des ateliers d'échanges seront "
            "organisés."
        ),
        partners=CPA_PARTNERS,
    ),
    ChantierSeed(
        title="Marchés publics",
        slug="marches-publics",
        order=4,
        summary=(
            "Les marchés publics constituent un obstacle important à un approvisionnement local."
        ),
        objective=(
            "Faciliter la rédaction/la réponse des/aux marchés publics pour favoriser la "
            "rencontre de l'offre et de la demande en produits locaux."
        ),
        description=(
            "Les marchés publics constituent un obstacle important à un approvisionnement local. "
            "Pour lever ce frein, plusieurs outils existent déjà et d'autres pourront être "
            "développés. Des formations pourront également être proposées."
        ),
        resources=(
            ResourceSeed(
                title="Guide pour un marché public alimentaire plus durable",
                description=(
                    "Au niveau de la restauration collective, la Cellule Manger Demain propose "
                    "un « guide pour un marché public alimentaire plus durable ». Il pourrait "
                    "être élargi à d'autres secteurs."
                ),
                provider=CELLULE,
                order=1,
            ),
            ResourceSeed(
                title="Outils et helpdesk achats publics responsables",
                description=(
                    "Au niveau du SPW, il existe un travail sur les achats publics responsables "
                    "mettant à votre disposition des outils et un helpdesk."
                ),
                provider="spw",
                order=2,
            ),
        ),
    ),
    ChantierSeed(
        title="Recueil d'expertises",
        slug="recueil-expertises",
        order=5,
        summary=(
            "Vous êtes nombreux à avoir exprimé votre offre ou vos besoins en la matière, il est "
            "donc nécessaire de référencer les services « facilitateurs » sous forme d'un "
            "catalogue (ou autre) et de le rendre accessible."
        ),
        objective=(
            "Mettre à disposition des porteurs et partenaires de projets les informations et "
            "contacts pouvant répondre à leurs besoins en termes d'expertises, de formation, de "
            "services."
        ),
        description=(
            "Vous êtes nombreux à avoir exprimé votre offre ou vos besoins en la matière, il est "
            "donc nécessaire de référencer les services « facilitateurs » sous forme d'un "
            "catalogue (ou autre) et de le rendre accessible. Des sessions de rencontres "
            "pourront être organisées en fonction des besoins exprimés."
        ),
        steps=(
            StepSeed(order=1, title=WORKSHOP_STEP, event=WORKSHOP_SLUG),
            StepSeed(
                order=2,
                title="Recueillir les demandes pour envisager d'autres ateliers de présentation",
                is_continuous=True,
                status=Step.Status.ONGOING,
            ),
            # The document says nothing of its progress: planned, until staff say otherwise.
            StepSeed(order=3, title="Réaliser un catalogue d'expertises « facilitateurs »"),
        ),
    ),
    ChantierSeed(
        title="Projets à finalité sociale",
        slug="projets-finalite-sociale",
        order=6,
        summary=(
            "Quelques projets s'adressent à un public spécifique et des échanges seraient "
            "intéressants pour partager les difficultés mais aussi les réussites, les méthodes "
            "pédagogiques développées, etc."
        ),
        objective=(
            "Organiser un partage d'expériences entre ces projets à finalité sociale (plus ou "
            "moins avancés) orienté vers l'approche et la méthode de travail des publics en "
            "difficulté, précarisés, en situation de handicap."
        ),
        description=(
            "Quelques projets s'adressent à un public spécifique et des échanges seraient "
            "intéressants pour partager les difficultés mais aussi les réussites, les méthodes "
            "pédagogiques développées, etc."
        ),
        steps=(
            StepSeed(
                order=1,
                title=(
                    "Organisation d'un atelier thématique d'échanges entre les projets concernés"
                ),
            ),
            StepSeed(
                order=2,
                title="Recueillir les demandes pour envisager d'autres actions",
                is_continuous=True,
                status=Step.Status.ONGOING,
            ),
        ),
    ),
    ChantierSeed(
        title="Communication",
        slug="communication",
        order=7,
        summary=(
            "Une série de projets développent un axe destiné à informer, sensibiliser, "
            "mobiliser les citoyens."
        ),
        objective=(
            "Organiser des évènements « fédérateurs » maximisant le réseautage/la "
            "mobilisation/la visibilité."
        ),
        description=(
            "Une série de projets développent un axe destiné à informer, sensibiliser, "
            "mobiliser les citoyens. Des actions communes, pourraient être développées afin "
            "d'avoir une visibilité plus importante."
        ),
        resources=(
            ResourceSeed(
                title="Portail Manger Demain",
                description=(
                    "Le portail Manger Demain est désormais aménagé pour accueillir le contenu "
                    "lié à cet appel à projet."
                ),
                provider=CELLULE,
                order=1,
            ),
            ResourceSeed(
                title="Newsletter inter-projets",
                description="Par ailleurs, une newsletter inter-projets est lancée.",
                provider=CELLULE,
                order=2,
                # The newsletter launched then is this portal's: the resource leads to it.
                page=PortalPage.NEWSLETTER,
            ),
        ),
        steps=(
            # The document dates from spring 2021: "au 2e semestre" is the second half of 2021,
            # a semester (never invented days), and the document never says it was done.
            StepSeed(
                order=1,
                title=(
                    "Recueillir les demandes pour envisager des rencontres et événements au "
                    "2e semestre"
                ),
                start_date=datetime.date(2021, 7, 1),
                date_precision=Step.Precision.SEMESTER,
            ),
        ),
    ),
    ChantierSeed(
        title="Approche territoriale",
        slug="approche-territoriale",
        order=8,
        summary=(
            "Afin de rassembler les acteurs d'un même territoire, des rencontres territoriales "
            "seront proposées."
        ),
        objective="Mise en réseau des projets.",
        description=TERRITORIAL_PURPOSE,
        steps=tuple(
            StepSeed(order=order, title=sentence, event=_territorial_slug(province, day))
            for order, (province, _name, day, sentence) in enumerate(TERRITORIAL_MEETINGS, 1)
        ),
    ),
    *(
        ChantierSeed(
            title=title,
            slug=slug,
            order=order,
            status=Chantier.Status.CANDIDATE,
        )
        for order, (title, slug) in enumerate(
            [
                ("Chantiers portant sur les filières de production", "filieres-de-production"),
                ("Chantier légumeries", "legumeries"),
                ("Chantier sur la problématique foncière", "problematique-fonciere"),
                ("Mise à disposition d'études", "mise-a-disposition-d-etudes"),
            ],
            start=9,
        )
    ),
)
