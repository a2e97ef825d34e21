from django.apps import AppConfig


class MimacConfig(AppConfig):
    name = "mimac"
    verbose_name = "MIMAC"

    def ready(self):
        from mimac import checks, trail  # noqa: F401 (registers the system checks; connects the trail's receivers)
        from mimac.photos import check_detector

        check_detector()
