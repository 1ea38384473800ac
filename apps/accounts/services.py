"""Writes to accounts: citizen self-registration."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Role

User = get_user_model()


def register_citizen(*, username: str, password: str, name: str, id_number: str, phone: str) -> User:
    """实名注册: a citizen account with a checked resident ID number."""
    user = User(username=username, name=name, id_number=id_number.strip().upper(), phone=phone, role=Role.CITIZEN)
    errors = {}
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    try:
        # Constraints are checked by hand below: their own messages would name them (user_id_number_unique).
        user.full_clean(exclude=["password"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "id_number" not in errors and _id_number_registered(user.id_number):
        errors["id_number"] = [ID_NUMBER_REFUSED]
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations raced past the checks with the same username or ID number.
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": [User._meta.get_field("username").error_messages["unique"]]})
        raise ValidationError({"id_number": [ID_NUMBER_REFUSED]})
    return user


# Said whatever the reason, so that registration does not tell a stranger who holds an account.
ID_NUMBER_REFUSED = gettext_lazy(
    "No new account can be opened with this ID number. If the number is yours, sign in with your account, "
    "or have the password reset at a service hall with your ID card.")


def _id_number_registered(id_number: str) -> bool:
    return User.objects.filter(id_number=id_number).exists()


def register_enterprise(*, username: str, password: str, name: str, credit_code: str, agent_name: str,
                        agent_id_number: str, phone: str) -> User:
    """法人注册: an enterprise account with a checked unified social credit code and the person acting for it
    (经办人), whose name and resident ID number its applications carry."""
    user = User(username=username, name=name, credit_code=credit_code.strip().upper(), agent_name=agent_name,
                agent_id_number=agent_id_number.strip().upper(), phone=phone, role=Role.CITIZEN)
    errors = {}
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": [_("This username or credit code is already registered.")]})
    return user
