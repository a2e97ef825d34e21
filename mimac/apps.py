from django.apps import AppConfig


class MimacConfig(AppConfig):
    name = "mimac"
    verbose_name = "MIMAC"

    def ready(self):
        from mimac.photos import check_detector

        check_detector()
