"""The SVG charts: readable without colour (patterns, names and values as text), escaped,
and free of inline style (the Content-Security-Policy)."""

import datetime
import re

from dashboard.charts import chart_svg
from dashboard.selectors import Figure, Row


def _bars():
    return Figure(
        slug="essai",
        title="Essai <b>",
        description="",
        row_heading="Événement",
        series=("Confirmées", "En attente", "Annulées"),
        rows=(
            Row(label="<script>alert(1)</script>", values=(3, 1, 0)),
            Row(label="Rencontre", values=(12, 0, 2)),
        ),
    )


def _months(*, stock=False):
    months = [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]
    return Figure(
        slug="mois",
        title="Par mois",
        description="",
        row_heading="Mois",
        series=("Liège", "Namur"),
        rows=tuple(
            Row(label=str(month), values=values, month=month)
            for month, values in zip(months, [(1, 0), (4, 2), (0, 3)], strict=True)
        ),
        chart="months",
        stock=stock,
    )


def test_a_bar_chart_names_each_series_with_its_own_pattern_and_writes_each_value():
    svg = str(chart_svg(_bars()))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')
    assert 'aria-label="Essai &lt;b&gt; : graphique, détaillé dans le tableau qui suit."' in svg
    # One pattern per series, each used by its legend swatch and its bars.
    assert len(re.findall(r'<pattern id="essai-motif-\d"', svg)) == 3
    for label in ("Confirmées", "En attente", "Annulées"):
        assert f">{label}</text>" in svg
    for value in ("3", "1", "0", "12", "2"):
        assert f">{value}</text>" in svg
    # The longest bar spans the width left for it; a zero draws no bar, only its value.
    assert 'width="660.0"' in svg
    assert svg.count("<rect") == 3 + 3 + 4  # a background per pattern, swatches, bars
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<script" not in svg
    assert "style=" not in svg


def test_a_chart_over_months_draws_one_panel_per_series_with_its_total():
    svg = str(chart_svg(_months()))
    assert ">Liège (total : 5)</text>" in svg
    assert ">Namur (total : 5)</text>" in svg
    # Months by their short name, the year under the first and under January.
    assert svg.count(">Déc</text>") == 2
    assert svg.count(">2025</text>") == 2
    assert svg.count(">2026</text>") == 2
    assert "style=" not in svg


def test_a_stock_over_months_shows_its_latest_count():
    svg = str(chart_svg(_months(stock=True)))
    assert ">Liège (aujourd&#x27;hui : 0)</text>" in svg
    assert ">Namur (aujourd&#x27;hui : 3)</text>" in svg
