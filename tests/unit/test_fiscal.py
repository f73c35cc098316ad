from datetime import UTC, date, datetime

from domain.fiscal import FiscalYear, fiscal_year_of, japan_date


def test_R_SUB_6_march_31_belongs_to_previous_fiscal_year():
    assert fiscal_year_of(date(2024, 3, 31)) == 2023
    assert fiscal_year_of(date(2024, 4, 1)) == 2024


def test_R_SUB_6_reiwa_conversion():
    assert FiscalYear.from_reiwa(5).year == 2023
    assert FiscalYear(2023).label == "令和5年度"
    assert FiscalYear(2019).label == "令和元年度"
    assert FiscalYear(2023).end == date(2024, 3, 31)


def test_japan_today_is_a_japan_date():
    # 2024-03-31 15:00 UTC is already April 1 in Tokyo: a new fiscal year there
    instant = datetime(2024, 3, 31, 15, 0, tzinfo=UTC)
    assert japan_date(instant) == date(2024, 4, 1)
    assert fiscal_year_of(japan_date(instant)) == 2024


# ---------------------------------------------------------------- 民法143条 (issue 11 point 11)

import pytest  # noqa: E402

from domain.fiscal import parse_as_of, period_after, period_end  # noqa: E402


@pytest.mark.parametrize(("first", "years", "months", "last"), [
    (date(2024, 4, 1), 5, 0, date(2029, 3, 31)),
    (date(2024, 2, 29), 5, 0, date(2029, 2, 28)),   # no Feb 29 in 2029: the month's last day
    (date(2024, 2, 29), 4, 0, date(2028, 2, 28)),   # Feb 29 exists in 2028: the day before it
    (date(2024, 1, 31), 0, 1, date(2024, 2, 29)),   # no Feb 31: last day of February
    (date(2023, 8, 31), 0, 6, date(2024, 2, 29)),
    (date(2023, 3, 1), 1, 0, date(2024, 2, 29)),
    (date(2024, 3, 1), 0, 6, date(2024, 8, 31)),
])
def test_R_FORM_1_period_end_follows_civil_code_143(first, years, months, last):
    assert period_end(first, years=years, months=months) == last


def test_R_BID_A_period_after_a_day_starts_the_next_day():
    assert period_after(date(2023, 3, 31), years=2) == date(2025, 3, 31)
    assert period_after(date(2024, 2, 29), years=2) == date(2026, 2, 28)
    assert period_after(date(2022, 2, 28), years=2) == date(2024, 2, 29)
    assert period_after(date.max, years=2) == date.max
    assert period_end(date(9999, 12, 1), years=2) == date.max


def test_as_of_a_plain_date_is_the_end_of_that_day_in_japan():
    """Issue 11 point 8."""
    at = parse_as_of("2026-11-30")
    assert at == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert parse_as_of("2026-11-30T12:00:00 09:00") == datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    assert parse_as_of("2026-11-30T03:00:00Z") == datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026-11-30T12:00", ""])
def test_as_of_a_bad_value_names_an_accepted_form(bad):
    with pytest.raises(ValueError) as err:
        parse_as_of(bad)
    assert "2026-11-30" in str(err.value)
