from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "chacra.compliance"
    label = "compliance"
