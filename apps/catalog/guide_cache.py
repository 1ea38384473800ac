"""The rendered JSON of a published guide, kept in the cache by version.

A version's guide only changes when it is republished in place (it was never used; `published_at`
moves) or when a department it names is renamed, so the key carries the version id and its
`published_at`, and saving a department drops the guides that show it. Nothing else expires them.
With the shared cache (REDIS_URL, as in production) every process sees that drop at once; with the
in-process default, only the process that saved the department does.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language

from .models import Department, ItemVersion


def _key(version_id: int, published_at, language: str) -> str:
    return f"catalog:guide:{version_id}:{published_at.timestamp()}:{language}"


def cached_guide(version_id: int, published_at, render: Callable[[], dict]) -> dict:
    key = _key(version_id, published_at, get_language())
    data = cache.get(key)
    if data is None:
        data = render()
        cache.set(key, data, timeout=None)
    return data


def forget_department(department: Department) -> None:
    """After a department is saved: the guides that show its name are rendered again on their next read."""
    versions = (ItemVersion.objects.filter(Q(department=department) | Q(steps__department=department))
                .distinct().values_list("pk", "published_at"))
    cache.delete_many([_key(pk, published_at, language) for pk, published_at in versions
                       for language, _name in settings.LANGUAGES])
