"""Walks Check-in Desk's accessibility tree over AT-SPI, as a screen reader sees it, and prints what it found.

Run by tests/test_atspi.py with the system's Python (pyatspi comes from Debian's python3-pyatspi), inside
a session bus and an X display the test starts, while the app runs there with
QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1. Usage: atspi_walker.py desk BADGE_CODE PERSON (the first-run wizard, then
every view of the desk, then a scan) | kiosk. Prints one JSON object: for each screen walked, its
interactive elements (role, name) and the problems found.
"""

import json
import subprocess
import sys
import time

import pyatspi

APP_NAME = "Check-in Desk"
#: Roles a person operates; the rest only show.
INTERACTIVE = {
    "check box",
    "combo box",
    "list",
    "list box",
    "page tab",
    "password text",
    "push button",
    "radio button",
    "slider",
    "spin button",
    "table",
    "text",
    "toggle button",
    "tree",
    "tree table",
}
#: The desk's views and their keys, in side-bar order.
VIEWS = [
    ("Desk", "F5"),
    ("Delegates", "F6"),
    ("Roll-call", "F7"),
    ("Print", "F8"),
    ("Dashboard", "F9"),
    ("Settings", "F10"),
    ("Duplicates", "F11"),
]


def wait_for(find, what: str, timeout: float = 30.0):  # noqa: ANN001, ANN201 - a finder, its result
    deadline, problem = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            found = find()
        except Exception as error:  # noqa: BLE001 - the tree changes under us while the app builds it
            found, problem = None, f" (last: {error!r})"
        if found:
            return found
        time.sleep(0.25)
    raise SystemExit(json.dumps({"error": f"gave up waiting for {what}{problem}"}))


def application():
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        child = desktop.getChildAtIndex(index)
        if child is not None and child.name == APP_NAME:
            return child
    return None


def showing(node) -> bool:  # noqa: ANN001
    return node.getState().contains(pyatspi.STATE_SHOWING)


def nodes(root):  # noqa: ANN001, ANN201
    """Every showing element under root (root too), depth first."""
    stack = [root]
    while stack:
        node = stack.pop()
        try:
            if not showing(node):
                continue
            children = [node.getChildAtIndex(i) for i in range(node.childCount)]
        except Exception:  # noqa: BLE001, S112 - an element gone while walking: skip it
            continue
        yield node
        # Rows and cells of big lists are read through the list itself: their names are data.
        if node.getRoleName() not in {"table", "tree table", "list", "list box", "tree", "combo box"}:
            stack.extend(reversed([child for child in children if child is not None]))


def spoken_name(node) -> str:  # noqa: ANN001
    """The name a screen reader says: a combo box's is the label it is labelled by (its own name is its
    current choice); any other's is its name."""
    if node.getRoleName() == "combo box":
        for relation in node.getRelationSet():
            if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
                for index in range(relation.getNTargets()):
                    label = relation.getTarget(index).name or ""
                    if label.strip():
                        return label.replace("&", "").strip()
        return ""
    return (node.name or "").strip()


def survey(root) -> dict:  # noqa: ANN001
    """The interactive elements showing under root and what is wrong with their names."""
    elements, problems, seen = [], [], {}
    for node in nodes(root):
        role = node.getRoleName()
        if role not in INTERACTIVE:
            continue
        if role == "text" and not node.getState().contains(pyatspi.STATE_EDITABLE):
            continue
        name = spoken_name(node)
        elements.append([role, name])
        if not any(character.isalnum() for character in name):
            problems.append(f"a {role} without a name ({name!r})")
        elif name.casefold() in seen and seen[name.casefold()] != role:
            problems.append(f"{name!r} names a {seen[name.casefold()]} and a {role}")
        elif name.casefold() in seen:
            problems.append(f"{name!r} names two of {role}")
        seen[name.casefold()] = role
    return {"elements": elements, "problems": problems}


def frame_of(app, title: str = ""):  # noqa: ANN001, ANN201
    """The app's showing window (whose title starts so)."""
    for index in range(app.childCount):
        child = app.getChildAtIndex(index)
        if (
            child is not None
            and showing(child)
            and child.getRoleName() in {"frame", "window", "dialog", "filler"}
            and (child.name or "").startswith(title)
        ):
            return child
    return None


def view_in_front(frame) -> str:  # noqa: ANN001
    """The view chosen in the side bar (the list named Views), as it names it."""
    views = next(n for n in nodes(frame) if n.getRoleName() == "list" and n.name == "Views")
    for index in range(views.childCount):
        item = views.getChildAtIndex(index)
        if item is not None and item.getState().contains(pyatspi.STATE_SELECTED):
            return item.name or ""
    return ""


def press(root, name: str) -> None:  # noqa: ANN001
    """Presses the button of that name through its AT-SPI action, as a screen reader's user would."""
    button = wait_for(
        lambda: next((n for n in nodes(root) if n.getRoleName() == "push button" and n.name == name), None),
        f"the {name} button",
    )
    action = button.queryAction()
    action.doAction(0)


def key(name: str) -> None:
    subprocess.run(["xdotool", "key", name], check=True)


def give_focus(title: str) -> None:
    """There is no window manager on the test's screen: hand the window the keyboard, as a click would."""
    subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", title, "windowfocus", "--sync"],
        check=True,
        timeout=30,
    )


def find_named(root, name: str):  # noqa: ANN001, ANN201
    return next((n for n in nodes(root) if (n.name or "") == name), None)


def texts_under(node) -> str:  # noqa: ANN001
    return " ".join((n.name or "") for n in nodes(node) if n.getRoleName() == "label")


def walk_desk(badge: str, person: str) -> dict:
    app = wait_for(application, "the app on the accessibility bus")
    screens = {}
    frame = wait_for(lambda: frame_of(app, f"{APP_NAME} — "), "the main window")
    give_focus(frame.name)
    for title, shortcut in VIEWS:
        key(shortcut)
        wait_for(lambda t=title: view_in_front(frame).startswith(t), f"the {title} view")
        time.sleep(0.5)  # let the view fill itself
        screens[title] = survey(frame)
    key("F5")
    panel = wait_for(lambda: find_named(frame, "Scan outcome"), "the outcome panel")
    subprocess.run(["xdotool", "type", "--delay", "6", badge], check=True)
    key("Return")
    said = wait_for(
        lambda: person in texts_under(panel) and texts_under(panel),
        "the outcome panel to show the person",
    )
    focused = next((n for n in nodes(frame) if n.getState().contains(pyatspi.STATE_FOCUSED)), None)
    # The buttons the outcome offers appear with it; as for the views, let the bus catch up with them (a
    # button shown a moment ago can still be listed without its name).
    time.sleep(0.5)
    screens["Desk after a scan"] = survey(frame)
    return {
        "screens": screens,
        "outcome_text": said,
        "outcome_description": panel.description,
        "focus_after_scan": [focused.getRoleName(), focused.name] if focused is not None else None,
    }


def walk_kiosk() -> dict:
    app = wait_for(application, "the kiosk on the accessibility bus")
    frame = wait_for(lambda: frame_of(app), "the kiosk window")
    screens = {"Kiosk welcome": survey(frame)}
    press(frame, "Forgot your badge? Find yourself by surname")
    wait_for(lambda: find_named(frame, "Surname"), "the surname page")
    screens["Kiosk surname search"] = survey(frame)
    return {"screens": screens}


def walk_wizard() -> dict:
    app = wait_for(application, "the first-run wizard on the accessibility bus")
    dialog = wait_for(lambda: frame_of(app), "the wizard")
    screens = {}
    for step in range(1, 5):
        wait_for(lambda s=step: f"STEP {s} OF 4" in texts_under(dialog), f"step {step}")
        screens[f"Wizard step {step}"] = survey(dialog)
        press(dialog, "Skip and finish" if step == 4 else "Skip")
    return {"screens": screens}


def main() -> int:
    what = sys.argv[1]
    if what == "desk":
        result = walk_wizard()
        result["screens"].update((desk := walk_desk(sys.argv[2], sys.argv[3])).pop("screens"))
        result.update(desk)
    elif what == "kiosk":
        result = walk_kiosk()
    else:
        raise SystemExit(f"unknown walk: {what}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
