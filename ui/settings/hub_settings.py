"""The "Hub" group of the Settings view: the hub's address, its password (kept in the OS keyring) and
"Test connection" (run in the background). The Settings view asks for the organiser PIN before saving."""

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from checkin.sync.hub import check_hub, hub_engine
from ui.base.context import DeskContext
from ui.base.failure import failure_text
from ui.base.fit import fit_placeholder
from ui.base.operations import Operation, run_op
from ui.base.theme import palette_in_use
from ui.sync.rounds import CONNECT_TIMEOUT_S
from ui.sync.service import connect_url, has_hub_password, store_hub_password

EXAMPLE_URL = "postgresql://desk@hub.example.org:5432/checkin?sslmode=require"


def hub_url_problem(url: str) -> str | None:
    """Why an address cannot be a hub, in the user's words; None when it can (or is empty: no hub)."""
    if not url:
        return None
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        return f"The hub address is not a database address. It looks like {EXAMPLE_URL}"
    if parsed.get_backend_name() != "postgresql":
        return f"The hub must be PostgreSQL (postgresql://user@host:port/database), not {parsed.drivername}."
    if not parsed.host or not parsed.database:
        return f"The hub address needs a host and a database, like {EXAMPLE_URL}"
    return None


def split_password(url: str) -> tuple[str, str]:
    """(address without a password, the password typed into it): a password never stays in settings."""
    parsed = make_url(url)
    if not parsed.password:
        return url, ""
    return parsed._replace(password=None).render_as_string(hide_password=False), str(parsed.password)


class HubSettingsBox(QGroupBox):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Hub (sync with other desks)"))
        self.context = context
        self.testing: Operation | None = None

        self.url = QLineEdit()
        self.url.setObjectName("hubUrl")
        fit_placeholder(self.url, EXAMPLE_URL, "postgresql://desk@hub.example.org/checkin", "postgresql://…")
        self.url.setAccessibleName(self.tr("Hub address"))
        self.url.setMinimumWidth(240)
        self.password = QLineEdit()
        self.password.setObjectName("hubPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Hub password"))
        self.password.setMaximumWidth(260)
        self.password_state = QLabel()
        self.password_state.setObjectName("hint")
        self.password_state.setWordWrap(True)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("testHub")
        self.test_button.clicked.connect(self.test_connection)
        self.message = QLabel()
        self.message.setObjectName("hubMessage")
        self.message.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Leave the address empty for a desk that works alone. Desks keep working when the hub "
                "cannot be reached and catch up later. Add ?sslmode=require for a hub across the internet."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        form = QFormLayout(self)

        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow window: field under label
        form.addRow(self.tr("Hub &address"), self.url)
        form.addRow(self.tr("Pass&word"), self.password)
        form.addRow("", self.password_state)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow(test_row)
        form.addRow(self.message)
        form.addRow(hint)

    def load(self) -> None:
        self.url.setText(self.context.settings.get("hub_url"))
        self.password.clear()
        self.message.clear()
        self._show_password_state()

    def _show_password_state(self) -> None:
        url = self.url.text().strip()
        where = has_hub_password(url) if url and hub_url_problem(url) is None else ""
        self.password.setPlaceholderText(self.tr("unchanged") if where else "")
        self.password_state.setText(
            {
                "keyring": self.tr("A password is stored in the system keyring. Type one to replace it."),
                "memory": self.tr(
                    "No system keyring on this computer: the password is kept until the app closes."
                ),
                "": self.tr("Stored in the system keyring, never in settings files."),
            }[where]
        )

    def problem(self) -> str | None:
        return hub_url_problem(self.url.text().strip())

    def save(self) -> str:
        """Store the address (without a password) and the password; what to tell the user."""
        url, inline = split_password(self.url.text().strip()) if self.url.text().strip() else ("", "")
        password = self.password.text() or inline
        self.context.settings.set("hub_url", url)
        self.url.setText(url)
        self.password.clear()
        said, ok = "", True
        if url and password:
            ok = store_hub_password(url, password)
            said = (
                self.tr("The password is in the system keyring.")
                if ok
                else self.tr(
                    "No system keyring is available: the password is kept for this run only "
                    "and must be typed again after a restart."
                )
            )
        self._said(said, ok=ok)
        self._show_password_state()
        return said

    # -- test connection (in the background) --------------------------------------------------------

    def test_connection(self) -> None:
        if self.testing is not None:
            return
        url = self.url.text().strip()
        problem = hub_url_problem(url) or (None if url else self.tr("Type the hub's address first."))
        if problem:
            self._said(problem, ok=False)
            return
        url, inline = split_password(url)
        typed = self.password.text() or inline
        database = self.context.database

        def work(_progress) -> str:  # noqa: ANN001 - run_op's progress callable
            target = make_url(url).set(password=typed).render_as_string(hide_password=False) if typed else url
            engine = hub_engine(connect_url(target), connect_timeout=CONNECT_TIMEOUT_S)
            try:
                return check_hub(database, url, engine=engine)
            finally:
                engine.dispose()

        self.test_button.setEnabled(False)
        self.test_button.setText(self.tr("Testing…"))
        self._said(self.tr("Connecting to the hub…"), ok=True)
        self.testing = run_op(self, work, on_success=self._tested, on_failure=self._test_failed)

    def _tested(self, line: str) -> None:
        self._test_done()
        self._said(f"✔ {line}", ok=True)

    def _test_failed(self, error: Exception) -> None:
        self._test_done()
        problem = failure_text(
            error,
            doing="testing the hub",
            fault=f"The test stopped on an unexpected error ({type(error).__name__}); it is in the log.",
        )
        self._said(f"✖ {problem}", ok=False)

    def _test_done(self) -> None:
        self.testing = None
        self.test_button.setEnabled(True)
        self.test_button.setText(self.tr("Test connection"))

    def _said(self, text: str, *, ok: bool) -> None:
        self.message.setStyleSheet(
            palette_in_use().sheet(f"color: ${'admitted' if ok else 'refused'}; font-weight: bold;")
        )
        self.message.setText(text)
