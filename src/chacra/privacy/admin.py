"""The personal data access log: programme-wide roles read it, nobody edits it."""

from __future__ import annotations

from django.contrib import admin

from chacra.accounts.admin import ReadOnlyProgrammeAdmin
from chacra.privacy.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyProgrammeAdmin):
    list_display = ["at", "actor", "kind", "producer", "detail"]
    list_filter = ["kind"]
    search_fields = ["producer__code", "actor__username"]
    list_select_related = ["actor", "producer"]
    readonly_fields = [f.name for f in PersonalDataAccess._meta.fields]
