from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    verbose_name = _("Service catalogue")

    def ready(self):
        from django.db.models.signals import post_save

        from .guide_cache import forget_department
        from .models import Department

        post_save.connect(lambda sender, instance, **kwargs: forget_department(instance), sender=Department,
                          weak=False, dispatch_uid="catalog.forget_department_guides")
