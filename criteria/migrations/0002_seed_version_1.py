"""Version 1 of the referentiekader, published: the five statutory criteria (docs/design.md §3
rule 3) in our own words, each with its own ordinal scale and "onbekend", and the nine
development areas of the handbook as optional indicators."""

from django.db import migrations
from django.utils import timezone

UNKNOWN = "onbekend / onvoldoende informatie"

CRITERIA = [
    {
        "number": 1,
        "title": "Bereidheid om geweld te gebruiken of te propageren",
        "description": (
            "In welke mate de betrokkene bereid is om zelf geweld te gebruiken, of geweld "
            "goedpraat, verheerlijkt of anderen daartoe aanzet, om een ideologisch doel "
            "dichterbij te brengen. Het gaat om wat er feitelijk is gezegd, gedeeld of gedaan."
        ),
        "guidance_questions": [
            "Heeft de betrokkene (online of offline) geweld goedgekeurd, verheerlijkt of "
            "ertoe opgeroepen? Wanneer, hoe vaak en tegenover wie?",
            "Zijn er voorbereidende handelingen bekend, zoals zoeken naar wapens, doelwitten "
            "of instructies?",
            "Is de betrokkene eerder bij geweld betrokken geweest, en hing dat samen met een "
            "overtuiging?",
            "Wat weerhoudt de betrokkene op dit moment van geweld?",
        ],
        "scale": [
            "geen aanwijzingen",
            "beperkte aanwijzingen",
            "duidelijke aanwijzingen",
            "sterke aanwijzingen",
        ],
    },
    {
        "number": 2,
        "title": "Vasthouden aan extremistische denkbeelden",
        "description": (
            "In welke mate de betrokkene vasthoudt aan denkbeelden die de democratische "
            "rechtsorde afwijzen of andere groepen tot vijand maken, en hoe open hij of zij "
            "nog staat voor andere opvattingen en tegenspraak."
        ),
        "guidance_questions": [
            "Welke denkbeelden draagt de betrokkene uit, en hoe stellig?",
            "Staat de betrokkene open voor tegenspraak, twijfel of andere bronnen?",
            "Is er sprake van wij-zij-denken of van het ontmenselijken van anderen?",
            "Is er een ontwikkeling te zien: verharding, of juist afstand nemen?",
        ],
        "scale": [
            "geen extremistische denkbeelden gebleken",
            "incidentele uitingen, zoekend of twijfelend",
            "duidelijke en herhaalde uitingen",
            "vastomlijnd en gesloten voor andere opvattingen",
        ],
    },
    {
        "number": 3,
        "title": "Sociale relaties",
        "description": (
            "Hoe de betrokkene sociaal is ingebed: familie, vrienden, school, werk en andere "
            "contacten die beschermen, tegenover contacten in extremistische kringen die de "
            "radicalisering voeden, of juist isolement."
        ),
        "guidance_questions": [
            "Op wie kan de betrokkene terugvallen, en heeft die persoon invloed?",
            "Is de betrokkene contacten kwijtgeraakt of heeft hij of zij zich teruggetrokken?",
            "Met wie trekt de betrokkene op, en spelen die contacten een rol in de "
            "radicalisering?",
        ],
        "scale": [
            "stevig beschermend netwerk",
            "beschermend netwerk aanwezig, maar onder druk",
            "beschermend netwerk grotendeels weggevallen",
            "geïsoleerd, of vrijwel alleen contacten in extremistische kringen",
        ],
    },
    {
        "number": 4,
        "title": "Identificatie met een extremistische groep of ideologie",
        "description": (
            "In welke mate de betrokkene zich rekent tot een extremistische groep of "
            "beweging, of zich met een extremistische ideologie vereenzelvigt: van "
            "belangstelling en sympathie tot actief deel uitmaken ervan."
        ),
        "guidance_questions": [
            "Noemt de betrokkene zich deel van een groep of beweging, of draagt hij of zij de "
            "symbolen en taal ervan?",
            "Neemt de betrokkene deel aan activiteiten, bijeenkomsten of online kanalen van "
            "die groep?",
            "Welke rol heeft de betrokkene in die groep: toeschouwer, aanhanger of actief lid?",
        ],
        "scale": [
            "geen identificatie gebleken",
            "beperkte identificatie (belangstelling, sympathie)",
            "duidelijke identificatie (zich ertoe rekenen, uitdragen)",
            "sterke identificatie (actief deel van de groep of beweging)",
        ],
    },
    {
        "number": 5,
        "title": "Zelfredzaamheid",
        "description": (
            "In welke mate de betrokkene op eigen kracht functioneert: wonen, inkomen, school "
            "of werk, gezondheid, en het vermogen om hulp te vragen en problemen op te lossen. "
            "Een beperkte zelfredzaamheid kan vatbaar maken voor beïnvloeding, en is tegelijk "
            "een aangrijpingspunt voor hulp."
        ),
        "guidance_questions": [
            "Heeft de betrokkene een stabiele woonsituatie, inkomen en dagbesteding?",
            "Zijn er zorgen over lichamelijke of psychische gezondheid, verslaving of schulden?",
            "Vraagt en aanvaardt de betrokkene hulp wanneer dat nodig is?",
        ],
        # The polarity differs: the low-concern end is "zelfredzaam".
        "scale": ["zelfredzaam", "beperkt zelfredzaam", "niet zelfredzaam"],
    },
]

INDICATORS = [
    ("Opvallende contacten", "Nieuwe of veranderde contacten die opvallen, bijvoorbeeld met "
     "personen die bekend staan om extremistische opvattingen."),
    ("Gedrag", "Veranderingen in gedrag, uiterlijk, gewoonten of dagritme die met de "
     "radicalisering samen kunnen hangen."),
    ("Ideologie en overtuiging", "Uitingen van een extremistische overtuiging en hoe die "
     "zich ontwikkelt."),
    ("Geweld en criminaliteit", "Betrokkenheid bij geweld, bedreiging of andere strafbare "
     "feiten, en belangstelling voor wapens."),
    ("Onvrede", "Gevoelens van onrecht, krenking of vervreemding tegenover samenleving of "
     "overheid."),
    ("Propaganda", "Het bekijken, verzamelen of verspreiden van extremistisch materiaal, "
     "online of offline."),
    ("Internationale contacten en bewegingen", "Contacten met of reizen naar het buitenland "
     "die met de radicalisering samen kunnen hangen, waaronder conflictgebieden."),
    ("Sociale zorgen", "Problemen thuis, op school of werk, met wonen, geld of gezondheid."),
    ("Training", "Deelname aan of belangstelling voor vecht-, wapen- of andere training met "
     "een mogelijk ideologisch doel."),
]


def seed(apps, schema_editor):
    Framework = apps.get_model("criteria", "Framework")
    Criterion = apps.get_model("criteria", "Criterion")
    ScaleValue = apps.get_model("criteria", "ScaleValue")
    Indicator = apps.get_model("criteria", "Indicator")
    if Framework.objects.filter(version=1).exists():
        return
    framework = Framework.objects.create(
        version=1,
        status="published",
        published_at=timezone.now(),
        notes="Eerste versie: de vijf wettelijke criteria en de negen ontwikkelgebieden.",
    )
    for item in CRITERIA:
        criterion = Criterion.objects.create(
            framework=framework,
            number=item["number"],
            title=item["title"],
            description=item["description"],
            guidance_questions="\n".join(item["guidance_questions"]),
        )
        for position, label in enumerate(item["scale"], start=1):
            ScaleValue.objects.create(criterion=criterion, position=position, label=label)
        ScaleValue.objects.create(criterion=criterion, position=0, label=UNKNOWN, is_unknown=True)
    for number, (title, description) in enumerate(INDICATORS, start=1):
        Indicator.objects.create(
            framework=framework, number=number, title=title, description=description
        )


def unseed(apps, schema_editor):
    Framework = apps.get_model("criteria", "Framework")
    Framework.objects.filter(version=1, assessments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
