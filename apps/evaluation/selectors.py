from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from apps.accounts.models import Role

from .models import Rectification


def visible_rectifications(user) -> QuerySet[Rectification]:
    """A department's staff see its rectifications; a district manager and admins all; a rater their own."""
    qs = Rectification.objects.select_related("rating__application", "department", "answered_by")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.ADMIN or user.is_superuser or user.is_district_manager:
        return qs
    if user.is_back_office:
        return qs.filter(department_id=user.department_id)
    return qs.filter(Q(rating__rater=user))


def can_answer(user, rectification: Rectification) -> bool:
    """The department that handled the case answers (谁办理谁负责)."""
    return user.is_district_manager or (user.is_back_office and user.department_id == rectification.department_id)


class RectificationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Rectification.Status.choices)

    class Meta:
        model = Rectification
        fields = ["status"]
