from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "omlob.web"
    verbose_name = "Omløb web"
