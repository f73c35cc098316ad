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
