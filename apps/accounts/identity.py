"""Identity numbers: validation (check digits) and masking.

- Resident ID number, GB 11643-1999: 17 digits + check character (0-9 or X),
  ISO 7064 MOD 11-2.
- Unified social credit code, GB 32100-2015: 17 characters + check character,
  weighted MOD 31 over the alphabet 0-9 A-Z without I, O, S, V, Z.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_number_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    """Resident ID number (居民身份证号码): length, birth date and check digit."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="format")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this ID number does not exist."), code="birth_date")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The check digit of this ID number is wrong; please check the number."),
                              code="check_digit")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Unified social credit code (统一社会信用代码): alphabet and check character."""
    value = (value or "").strip().upper()
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        raise ValidationError(_("A unified social credit code has 18 characters (digits and capital letters "
                                "except I, O, S, V, Z)."), code="format")
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The check character of this unified social credit code is wrong."),
                              code="check_digit")


def mask_id_number(value: str) -> str:
    """110101********123X: region kept, birth date and sequence hidden."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value or len(value) < 7:
        return "*" * len(value or "")
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
