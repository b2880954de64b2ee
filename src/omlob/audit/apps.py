from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "omlob.audit"
    verbose_name = "Historik"
