"""The clone catalogue the programme used (DOMAIN.md); programmes add their own in the admin."""

from django.db import migrations

CLONES = [
    ("CCN-51", "Colección Castro Naranjal 51", "ccn51", True),
    ("ICS-95", "Imperial College Selection 95", "fine_flavour", None),
    ("TSH-565", "Trinidad Selected Hybrid 565", "fine_flavour", None),
    ("ICS-1", "Imperial College Selection 1", "fine_flavour", None),
    ("ICS-6", "Imperial College Selection 6", "fine_flavour", None),
    ("ICS-39", "Imperial College Selection 39", "fine_flavour", None),
    ("UF-613", "United Fruit 613", "fine_flavour", None),
    ("IMC-67", "Iquitos Mixed Calabacillo 67", "fine_flavour", None),
    ("NATIVO", "Native cacao (local selection)", "native", None),
]


def add_clones(apps, schema_editor):
    Clone = apps.get_model("registry", "Clone")
    for code, name, group, self_compatible in CLONES:
        Clone.objects.get_or_create(
            code=code, defaults={"name": name, "group": group, "self_compatible": self_compatible}
        )


def remove_clones(apps, schema_editor):
    apps.get_model("registry", "Clone").objects.filter(code__in=[c[0] for c in CLONES]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_clones, remove_clones)]
