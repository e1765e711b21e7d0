"""Bring a database seeded before issue 14 to the seed's current words (``load_seed`` never
updates a row, and ``load_seed --initial`` does nothing once anything was loaded):

- the partners the document names for the food policy councils (RATA, RAWAD, AIA, CwAD) become
  partners of that chantier, recorded as seed pieces (so ``load_seed`` does not add them again,
  and leaves them deleted if staff delete them);
- the resource « Newsletter inter-projets » leads to the portal's newsletter page, unless staff
  gave it an address or a page meanwhile;
- the pistes lose the generic sentence an earlier seed gave each of them as a description (the
  piste page now says what a piste is), unless staff wrote their own.

A database never seeded is left alone: ``load_seed`` creates all this with the rest. The values
are frozen here, as the seed said them when this migration was written.
"""

from django.db import migrations

CPA_KEY = "chantier:conseils-politiques-alimentaires"
PARTNERS = (
    (
        "rata",
        "Accompagner ceux-ci sur des aspects méthodologiques et de mise en œuvre est une mission "
        "qui sera menée en collaboration avec les partenaires du projet RATA",
        1,
    ),
    ("rawad", "La note d'orientation devra être éclairée par les travaux du RAWAD", 2),
    ("aia", "La note d'orientation devra être éclairée par les travaux d'AIA", 3),
    ("cwad", "Avec le soutien du CwAD", 4),
)
NEWSLETTER_KEY = "resource:communication:newsletter-inter-projets"
NEWSLETTER_PAGE = "newsletter:subscribe"
CANDIDATE_KEYS = (
    "chantier:filieres-de-production",
    "chantier:legumeries",
    "chantier:problematique-fonciere",
    "chantier:mise-a-disposition-d-etudes",
)
OLD_CANDIDATE_DESCRIPTION = (
    "Voici quelques pistes de futurs chantiers qui ont été citées lors des échanges."
)


def keep_the_seed_words(apps, schema_editor):
    SeedRecord = apps.get_model("hub", "SeedRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Chantier = apps.get_model("chantiers", "Chantier")
    Resource = apps.get_model("chantiers", "Resource")
    Partnership = apps.get_model("chantiers", "Partnership")
    Organisation = apps.get_model("projets", "Organisation")

    records = {r.key: r.object_id for r in SeedRecord.objects.all()}
    if not records:
        return  # never seeded: load_seed will create everything as the seed says now

    def row(model, key):
        pk = records.get(key)
        return model.objects.filter(pk=pk).first() if pk is not None else None

    cpa = row(Chantier, CPA_KEY)
    if cpa is not None:
        content_type, _created = ContentType.objects.get_or_create(
            app_label="chantiers", model="partnership"
        )
        for slug, role, order in PARTNERS:
            key = f"partnership:conseils-politiques-alimentaires:{slug}"
            organisation = row(Organisation, f"organisation:{slug}")
            if key in records or organisation is None:
                continue  # already loaded, or staff deleted the organisation
            partnership, _created = Partnership.objects.get_or_create(
                chantier=cpa, organisation=organisation, defaults={"role": role, "order": order}
            )
            SeedRecord.objects.create(
                key=key, content_type=content_type, object_id=partnership.pk
            )

    newsletter = row(Resource, NEWSLETTER_KEY)
    if newsletter is not None and not newsletter.url and not newsletter.page:
        newsletter.page = NEWSLETTER_PAGE
        newsletter.save(update_fields=["page"])

    for key in CANDIDATE_KEYS:
        piste = row(Chantier, key)
        if piste is not None and piste.description.strip() == OLD_CANDIDATE_DESCRIPTION:
            piste.description = ""
            piste.save(update_fields=["description"])


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0002_backfill_seed_records"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("chantiers", "0009_resource_page_partnership"),
        ("projets", "0004_piste_proposal"),
    ]

    operations = [migrations.RunPython(keep_the_seed_words, migrations.RunPython.noop)]
