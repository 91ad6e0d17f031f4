"""The organisers' dashboard: checked in against expected, arrivals over time, no-shows, organisations."""

from datetime import timedelta

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from checkin.desk.dashboard import (
    ArrivalBin,
    OrganisationCount,
    OverallFigures,
    SessionFigures,
    arrivals_per_5_minutes,
    by_organisation,
    overall,
    session_figures,
)
from checkin.domain.clock import Clock, clock_for_people, day_for_people, time_for_people, utc_now
from checkin.records.report.figures import choose_sessions, programme_report
from checkin.records.report.tables import report_document
from ui.base.context import DeskContext
from ui.base.theme import palette_in_use
from ui.dashboard.programme import ProgrammePanel

REFRESH_MS = 5000
ROW_HEIGHT = 23
#: Arrivals usually begin half an hour before the start; the chart always shows that much.
LEAD_IN = timedelta(minutes=30)
STYLE = """
QFrame#card { background: $surface; border: 1px solid $card_border; border-radius: 10px; }
QFrame#card QLabel { border: none; background: transparent; }
QLabel#cardCaption { color: $ink_muted; font-size: 10pt; font-weight: bold; text-transform: uppercase; }
QLabel#cardNumber { color: $ink; font-size: 24pt; font-weight: bold; }
QLabel#cardDetail { color: $ink_muted; font-size: 10pt; }
QLabel#panelTitle { color: $ink; font-size: 12pt; font-weight: bold; }
QProgressBar { border: none; background: $track; border-radius: 4px; }
QProgressBar::chunk { background: $accent; border-radius: 4px; }
QTableWidget { border: none; }
"""


#: Label every n-th bar of the arrivals chart: each bar, then the 10 minutes, quarter hours, half hours, hours.
TIME_LABEL_STEPS = (1, 2, 3, 6, 12)


def time_label_step(bars: int, width: float, label_width: float) -> int:
    """Every how many bars a time label goes so that the labels shown fit `width` without overlapping."""
    for step in TIME_LABEL_STEPS:
        if -(-bars // step) * label_width <= width:
            return step
    return TIME_LABEL_STEPS[-1]


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


class Card(QFrame):
    """One big number with a caption above and a line of context below."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardCaption")
        self.number = QLabel("—")
        self.number.setObjectName("cardNumber")
        self.detail = QLabel()
        self.detail.setObjectName("cardDetail")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.number)
        layout.addWidget(self.detail)

    def set_figure(self, number: str, detail: str) -> None:
        self.number.setText(number)
        self.detail.setText(detail)


def _panel(title: str, body: QWidget, aside: QWidget | None = None) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setObjectName("card")
    heading = QLabel(title)
    heading.setObjectName("panelTitle")
    if not body.accessibleName():  # a screen reader names the table or chart by its panel's title
        body.setAccessibleName(title)
    top = QHBoxLayout()
    top.addWidget(heading, 1)
    if aside is not None:
        top.addWidget(aside)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    layout.setSpacing(4)
    layout.addLayout(top)
    layout.addWidget(body, 1)
    return frame, heading


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setTabKeyNavigation(False)  # Tab moves on to the next control, not cell by cell: no trap
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _cell(text: str, *, number: bool = False, bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    return item


class DashboardView(QWidget):
    """Live figures for the session in front, and every session; refreshed by changes and a timer."""

    def __init__(
        self, context: DeskContext, parent: QWidget | None = None, *, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.clock = clock
        self.colours = palette_in_use()
        self.figures: SessionFigures | None = None
        self.bins: list[ArrivalBin] = []
        self.organisations: list[OrganisationCount] = []
        self.totals: OverallFigures | None = None
        self._totals_for: str | None = None
        self._dirty = True

        self.updated = QLabel()
        self.updated.setObjectName("hint")

        self.checked_in_card = Card(self.tr("Checked in"))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.checked_in_card.layout().addWidget(self.progress)
        self.overrides = QLabel()
        self.overrides.setObjectName("cardDetail")
        self.overrides.setToolTip(self.tr("Refusals admitted anyway with the organiser PIN"))
        self.checked_in_card.layout().addWidget(self.overrides)
        self.absent_card = Card(self.tr("Not arrived"))
        self.walk_in_card = Card(self.tr("Walk-ins"))
        self.overall_card = Card(self.tr("All sessions"))
        cards = QHBoxLayout()
        cards.setSpacing(10)
        cards.addWidget(self.checked_in_card, 3)
        cards.addWidget(self.absent_card, 2)
        cards.addWidget(self.walk_in_card, 2)
        cards.addWidget(self.overall_card, 3)

        self.chart = QChart()
        self.chart.legend().hide()
        self.chart.setBackgroundBrush(QColor(self.colours.surface))
        self.chart.setBackgroundRoundness(0)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.x_axis: QBarCategoryAxis | None = None
        self.chart.plotAreaChanged.connect(lambda _area: self._chart_resized())
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(200)
        self.chart_view.setStyleSheet(self.colours.sheet("background: $surface; border: none;"))
        chart_panel, self.chart_title = _panel(
            self.tr("Arrivals per 5 minutes"), self.chart_view, self.updated
        )

        self.organisation_table = _table([self.tr("Organisation"), self.tr("In"), self.tr("Booked")])
        organisation_panel, _ = _panel(self.tr("Arrivals by organisation · top 10"), self.organisation_table)

        self.session_table = _table(
            [self.tr("Session"), self.tr("Date"), self.tr("In"), self.tr("Expected"), self.tr("Turnout")]
        )
        session_panel, _ = _panel(self.tr("Every session"), self.session_table)
        session_panel.layout().addStretch(1)  # the table is as tall as its rows; spare room goes below

        self.no_show_table = _table([self.tr("Name"), self.tr("Organisation")])
        self.no_show_table.setObjectName("noShows")
        # Both halves share the width: a name column sized to its longest line (or to the "listed once the
        # session starts" line) squeezed the organisations to a sliver clipping their heading to "rganisation".
        self.no_show_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        no_show_panel, self.no_show_title = _panel(self.tr("No-shows"), self.no_show_table)

        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(chart_panel, 0, 0)
        grid.addWidget(organisation_panel, 0, 1)
        grid.addWidget(session_panel, 1, 0)
        grid.addWidget(no_show_panel, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(0, 1)

        session_page = QWidget()
        session_layout = QVBoxLayout(session_page)
        session_layout.setContentsMargins(0, 6, 0, 0)
        session_layout.addLayout(cards)
        session_layout.addLayout(grid, 1)
        self.programme = ProgrammePanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(session_page, self.tr("This session"))
        self.tabs.addTab(self.programme, self.tr("Programme"))
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        self.setStyleSheet(self.colours.sheet(STYLE))

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        context.attendance_changed.connect(self._changed)
        context.roster_changed.connect(self._changed)
        context.session_changed.connect(lambda _code: self._changed())

    # -- when to refresh ----------------------------------------------------------------------------

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's signature
        super().showEvent(event)
        if self._dirty:
            self.refresh()
        # Other desks' scans arrive by sync without a signal here: poll while the dashboard is in view.
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's signature
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        self._dirty = False
        now = self.clock()
        with self.context.database.session() as db:
            session = self.context.session(db)
            figures = session_figures(db, session.id, now) if session is not None else None
            bins: list[ArrivalBin] = []
            organisations: list[OrganisationCount] = []
            if session is not None and figures is not None:
                start = figures.starts_at
                bins = arrivals_per_5_minutes(db, session.id, since=start - LEAD_IN, until=start)
                organisations = by_organisation(db, session.id)
            totals = overall(db, clock=lambda: now)
            # The whole programme's report only while its tab is in front: it reads every booking.
            programme = (
                report_document(programme_report(db, choose_sessions(db), clock=lambda: now), anonymous=False)
                if self.tabs.currentWidget() is self.programme
                else None
            )
        self.updated.setText(self.tr("updated {0}").format(clock_for_people(now, seconds=True)))
        if figures != self.figures:
            self.figures = figures
            self._show_session(figures)
        if bins != self.bins:
            self.bins = bins
            self._show_chart(bins, figures)
        if organisations != self.organisations:
            self.organisations = organisations
            self._show_organisations(organisations)
        if programme is not None:
            self.programme.show_document(programme)
        if (totals, self.context.session_code) != (self.totals, self._totals_for):
            self.totals, self._totals_for = totals, self.context.session_code
            self._show_overall(totals)

    # -- showing ------------------------------------------------------------------------------------

    def _show_session(self, figures: SessionFigures | None) -> None:
        if figures is None:
            self.checked_in_card.set_figure("—", self.tr("Choose a session"))
            return
        places = self.tr(" · {0} places").format(figures.capacity) if figures.capacity else ""
        self.checked_in_card.set_figure(
            str(figures.checked_in),
            self.tr("of {0} expected · {1}{2}").format(
                figures.expected, _percent(figures.checked_in, figures.expected), places
            ),
        )
        self.progress.setRange(0, max(figures.expected, 1))
        self.progress.setValue(min(figures.checked_in, max(figures.expected, 1)))
        self.overrides.setText(self.tr("Overrides: {0}").format(figures.overrides))
        starts = time_for_people(figures.starts_at, self.clock())
        room = (
            self.tr(" · {0} more marked in the room").format(figures.marked_only)
            if figures.marked_only
            else ""
        )
        if figures.started:
            self.absent_card.caption.setText(self.tr("No-shows"))
            detail = self.tr("booked, not here since {0}{1}").format(starts, room)
        else:
            self.absent_card.caption.setText(self.tr("Still to arrive"))
            detail = self.tr("starts at {0}{1}").format(starts, room)
        self.absent_card.set_figure(str(figures.not_arrived), detail)
        self.walk_in_card.set_figure(str(figures.walk_ins), self.tr("registered at the desk on the day"))

        table = self.no_show_table
        table.clearSpans()
        if figures.started:
            self.no_show_title.setText(self.tr("No-shows ({0})").format(len(figures.no_shows)))
            table.setRowCount(len(figures.no_shows) or 1)
            for row, person in enumerate(figures.no_shows):
                table.setItem(row, 0, _cell(person.display_name))
                table.setItem(row, 1, _cell(person.organisation))
            if not figures.no_shows:
                table.setItem(0, 0, _cell(self.tr("Everyone booked is here.")))
                table.setItem(0, 1, _cell(""))
                table.setSpan(0, 0, 1, 2)
        else:
            self.no_show_title.setText(self.tr("No-shows"))
            table.setRowCount(1)
            table.setItem(
                0,
                0,
                _cell(self.tr("Listed once the session starts at {0}.").format(starts)),
            )
            table.setItem(0, 1, _cell(""))
            table.setSpan(0, 0, 1, 2)  # a sentence across the table, not a name

    def _show_chart(self, bins: list[ArrivalBin], figures: SessionFigures | None) -> None:
        chart = self.chart
        self.x_axis = None
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        if figures is not None and figures.first_arrival and figures.last_arrival:
            now = self.clock()
            self.chart_title.setText(
                self.tr("Arrivals per 5 minutes · first {0}, latest {1}").format(
                    time_for_people(figures.first_arrival, now), time_for_people(figures.last_arrival, now)
                )
            )
        else:
            self.chart_title.setText(self.tr("Arrivals per 5 minutes · none yet"))
        # The chart in words, for those who cannot see it: each five minutes that had arrivals.
        self.chart_view.setAccessibleDescription(
            "; ".join(
                self.tr("{0}: {1} arrived").format(clock_for_people(b.starts_at), b.count)
                for b in bins
                if b.count
            )
            or self.tr("No arrivals yet")
        )
        if not bins:
            return
        arrivals = QBarSet(self.tr("Arrivals"))
        colours = self.colours
        arrivals.setColor(QColor(colours.chart_bar))
        arrivals.setBorderColor(QColor(colours.chart_bar))
        arrivals.append([float(b.count) for b in bins])
        series = QBarSeries()
        series.setBarWidth(0.8)
        series.append(arrivals)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        arrivals.setLabelColor(QColor(colours.ink))
        chart.addSeries(series)

        x_axis = self.x_axis = QBarCategoryAxis()
        x_axis.setGridLineVisible(False)
        x_axis.setTruncateLabels(False)
        x_axis.setTitleText(self.tr("Arrival time (start of each 5 minutes)"))
        y_axis = QValueAxis()
        peak = max(b.count for b in bins)
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if peak / s <= 5)
        top = max(step * -(-(peak + 1) // step), step)  # headroom above the tallest bar for its label
        y_axis.setRange(0, top)
        y_axis.setTickCount(top // step + 1)
        y_axis.setLabelFormat("%d")
        y_axis.setTitleText(self.tr("Delegates"))
        small = QFont()
        small.setPointSize(9)
        for axis in (x_axis, y_axis):
            axis.setLabelsFont(small)
            axis.setTitleFont(small)
            axis.setLabelsColor(QColor(colours.ink_muted))
            axis.setTitleBrush(QColor(colours.ink_muted))
        y_axis.setGridLineColor(QColor(colours.chart_grid))
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        self._label_times()

    def _label_times(self) -> None:
        """Label as many bars with their time as fit the chart's width without touching (every bar, or
        every 2nd, 3rd, 6th, 12th: the half hours, the hours): a resize relabels."""
        if self.x_axis is None or not self.bins:
            return
        room = self.chart.plotArea().width() or self.chart_view.width() - 60
        every = time_label_step(len(self.bins), room, self.time_label_width())
        # Hidden labels must still be distinct categories.
        categories = [
            clock_for_people(b.starts_at) if i % every == 0 else "\u200b" * (i + 1)
            for i, b in enumerate(self.bins)
        ]
        if categories != self.x_axis.categories():  # relabelling moves the plot area: no loop
            self.x_axis.setCategories(categories)

    def time_label_width(self) -> float:
        """The width a time label needs on the axis, with room either side."""
        return (
            QFontMetricsF(self.x_axis.labelsFont() if self.x_axis else QFont()).horizontalAdvance("00:00")
            + 10
        )

    def _chart_resized(self) -> None:
        if self.x_axis is not None:
            self._label_times()

    def _show_organisations(self, organisations: list[OrganisationCount]) -> None:
        table = self.organisation_table
        table.setRowCount(len(organisations))
        for row, org in enumerate(organisations):
            table.setItem(row, 0, _cell(org.organisation))
            table.setItem(row, 1, _cell(str(org.arrived), number=True, bold=True))
            table.setItem(row, 2, _cell(str(org.booked), number=True))

    def _show_overall(self, totals: OverallFigures) -> None:
        self.overall_card.set_figure(
            str(totals.checked_in),
            self.tr("of {0} expected over {1} sessions · {2} held so far, turnout {3}").format(
                totals.expected,
                len(totals.sessions),
                totals.sessions_held,
                _percent(totals.checked_in_so_far, totals.expected_so_far),
            ),
        )
        table = self.session_table
        table.setRowCount(len(totals.sessions))
        shown = min(len(totals.sessions), 8)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + shown * ROW_HEIGHT + 4)
        for row, s in enumerate(totals.sessions):
            here = s.code == self.context.session_code
            table.setItem(row, 0, _cell(f"{s.code} · {s.venue}", bold=here))
            table.setItem(row, 1, _cell(day_for_people(s.starts_at), bold=here))
            table.setItem(row, 2, _cell(str(s.checked_in), number=True, bold=here))
            table.setItem(row, 3, _cell(str(s.expected), number=True, bold=here))
            turnout = _percent(s.checked_in, s.expected) if s.started else self.tr("to come")
            table.setItem(row, 4, _cell(turnout, number=True, bold=here))
