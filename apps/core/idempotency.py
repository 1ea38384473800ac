"""`Idempotency-Key` on state-changing POSTs: the same key from the same user replays the first response.

The record is inserted before the action runs, in the same transaction. A second
request with the same key waits on the unique index until the first commits, then
replays its response instead of acting again (the clerk who double-clicks). A
request that fails stores nothing, so it can be retried with the same key.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


def _replay(record: IdempotencyRecord, request) -> Response:
    if record.method != request.method or record.path != request.path:
        raise ValidationError({HEADER: _("This key was already used for another request.")})
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def run_idempotent(request, action) -> Response:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return action()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: _("A key is at most %(n)s characters.") % {"n": MAX_KEY_LENGTH}})
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=request.user, key=key, method=request.method,
                                                          path=request.path, status_code=0, body={})
        except IntegrityError:
            return _replay(IdempotencyRecord.objects.get(user=request.user, key=key), request)
        response = action()
        record.status_code = response.status_code
        record.body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
        record.save(update_fields=["status_code", "body"])
    return response
