import pytest
from django.core.exceptions import ValidationError

from apps.accounts.identity import mask_id_number, mask_phone, validate_id_number, validate_uscc

# The example from GB 11643-1999 and a real-format unified social credit code.
GOOD_ID = "11010519491231002X"
GOOD_USCC = "91350100M000100Y43"


def test_valid_id_number_passes():
    validate_id_number(GOOD_ID)
    validate_id_number(GOOD_ID.lower())


@pytest.mark.parametrize(("value", "code"), [
    ("110105194912310021", "check_digit"),
    ("11010519491331002X", "birth_date"),
    ("1101051949123100", "format"),
    ("11010519491231002Y", "format"),
    ("", "format"),
])
def test_bad_id_numbers_are_refused_with_the_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == code


def test_unified_social_credit_code_check_character():
    validate_uscc(GOOD_USCC)
    with pytest.raises(ValidationError):
        validate_uscc(GOOD_USCC[:-1] + "4")
    with pytest.raises(ValidationError):
        validate_uscc("91350100M000100YI3")  # I is not in the alphabet


def test_masks_hide_birth_date_and_middle_digits():
    assert mask_id_number(GOOD_ID) == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == ""
