"""Load every ISO 3166-1 entry from pycountry, plus Kosovo, as the starting list of states.

pycountry carries no notion of sovereignty, so the territories and the entries with a special status
are named here. Everything else is a sovereign state. Later curation happens in the admin or through
fixtures/states.yaml; this migration only gives every database the same starting point.
"""

import pycountry
from django.db import migrations
from django.utils import timezone

# Territories and the state each belongs to.
TERRITORIES = {
    "ALA": "FIN", "ASM": "USA", "AIA": "GBR", "ABW": "NLD", "BMU": "GBR", "BES": "NLD", "BVT": "NOR",
    "IOT": "GBR", "CYM": "GBR", "CXR": "AUS", "CCK": "AUS", "COK": "NZL", "CUW": "NLD", "FLK": "GBR",
    "FRO": "DNK", "GUF": "FRA", "PYF": "FRA", "ATF": "FRA", "GIB": "GBR", "GRL": "DNK", "GLP": "FRA",
    "GUM": "USA", "GGY": "GBR", "HMD": "AUS", "IMN": "GBR", "JEY": "GBR", "MTQ": "FRA", "MYT": "FRA",
    "MSR": "GBR", "NCL": "FRA", "NIU": "NZL", "NFK": "AUS", "MNP": "USA", "PCN": "GBR", "PRI": "USA",
    "REU": "FRA", "BLM": "FRA", "SHN": "GBR", "MAF": "FRA", "SPM": "FRA", "SXM": "NLD", "SGS": "GBR",
    "SJM": "NOR", "TKL": "NZL", "TCA": "GBR", "UMI": "USA", "VGB": "GBR", "VIR": "USA", "WLF": "FRA",
}
# Entries whose status is neither a sovereign state nor a dependent territory, with the state they
# are part of where there is one.
SPECIAL_STATUS = {
    "HKG": ("CHN", "Special Administrative Region of China."),
    "MAC": ("CHN", "Special Administrative Region of China."),
    "PSE": (None, "Non-member observer state of the United Nations."),
    "TWN": (None, "Listed in ISO 3166-1; its status is disputed."),
    "ESH": (None, "Non-self-governing territory; its status is disputed."),
    "ATA": (None, "Governed by the Antarctic Treaty System."),
    "XKX": (None, "Under United Nations Security Council resolution 1244 (1999)."),
}
# ISO short names written in inverted form ('Congo, The Democratic Republic of the') read badly in
# running text; these are shown in natural order instead.
NATURAL_ORDER_NAMES = {
    "COD": "Democratic Republic of the Congo",
    "FSM": "Micronesia (Federated States of)",
    "PSE": "Palestine",
    "VGB": "British Virgin Islands",
    "VIR": "United States Virgin Islands",
}
KOSOVO = {"alpha3": "XKX", "alpha2": "XK", "numeric": "", "name": "Kosovo",
          "official_name": "Kosovo (under UNSC resolution 1244)"}


def iso_entries():
    for country in pycountry.countries:
        yield {
            "alpha3": country.alpha_3,
            "alpha2": country.alpha_2,
            "numeric": country.numeric,
            "name": NATURAL_ORDER_NAMES.get(country.alpha_3)
            or getattr(country, "common_name", None)
            or country.name,
            "official_name": getattr(country, "official_name", "") or "",
        }
    yield KOSOVO


def load(apps, schema_editor):
    State = apps.get_model("states", "State")
    HistoricalState = apps.get_model("states", "HistoricalState")
    states = {}
    for entry in iso_entries():
        kind, note = "sovereign", ""
        if entry["alpha3"] in TERRITORIES:
            kind = "territory"
        elif entry["alpha3"] in SPECIAL_STATUS:
            kind, note = "special-status", SPECIAL_STATUS[entry["alpha3"]][1]
        states[entry["alpha3"]] = State.objects.create(kind=kind, note=note, **entry)
    for alpha3, state in states.items():
        sovereign = TERRITORIES.get(alpha3) or SPECIAL_STATUS.get(alpha3, (None,))[0]
        if sovereign:
            state.sovereign = states[sovereign]
            state.save(update_fields=["sovereign"])
    now = timezone.now()
    fields = [f.attname for f in State._meta.concrete_fields]
    HistoricalState.objects.bulk_create(
        HistoricalState(
            **{name: getattr(state, name) for name in fields},
            history_date=now,
            history_type="+",
            history_change_reason="Loaded from ISO 3166-1 (pycountry), plus Kosovo.",
        )
        for state in State.objects.all()
    )


def unload(apps, schema_editor):
    apps.get_model("states", "State").objects.all().delete()
    apps.get_model("states", "HistoricalState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("states", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
