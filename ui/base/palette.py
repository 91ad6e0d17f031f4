"""The desk's colours by what they mean, with their values in the normal and the high-contrast theme."""

from dataclasses import dataclass, fields
from string import Template

BLACK, WHITE, YELLOW = "#000000", "#ffffff", "#ffff00"
#: High contrast keeps a few greys: disabled is dark (7:1 on white), a quiet fill is light (16:1 under black).
DARK_GREY, MID_GREY, LIGHT_GREY = "#595959", "#bfbfbf", "#e6e6e6"
#: High contrast's focus and selection: a blue that stands 3:1 from both white and black, so a focused
#: button shows whether it was plain (white) or chosen (black), and white words on it read at 5:1. (Yellow,
#: the usual high-contrast selection, vanishes on white: 1.07:1 as a focus outline.)
FOCUS_BLUE = "#2f5cf0"

#: Each role: (normal theme, high-contrast theme), and what it is for.
ROLES: dict[str, tuple[str, str]] = {
    # Words
    "ink": ("#1b3a4b", BLACK),  # headings, the counts, the figures
    "ink_muted": ("#546e7a", BLACK),  # hints, captions, chart axes
    "ink_faint": ("#5f7884", DARK_GREY),  # not arrived, no badge yet; bookings no longer holding a place
    "ink_disabled": ("#78909c", DARK_GREY),  # the words of a button that cannot be pressed now
    "on_colour": (WHITE, WHITE),  # words on the accent or an outcome's colour
    # Surfaces and lines
    "window": ("#f5f7f8", WHITE),  # behind everything
    "surface": (WHITE, WHITE),  # cards, fields, buttons, the chart
    "quiet": ("#eceff1", LIGHT_GREY),  # the empty preview, the lock cover, neutral labels
    "hover": ("#eef3f4", WHITE),  # under the pointer
    "idle": ("#e3eaee", LIGHT_GREY),  # the roll-call banner waiting for a scan
    "border": ("#b0bec5", BLACK),  # a button's edge
    "frame": ("#cfd8dc", BLACK),  # a panel's or a box's edge
    "card_border": ("#d5dde1", BLACK),  # a dashboard card's or the duplicates list's edge
    "strong_border": ("#90a4ae", BLACK),  # the Settings view's buttons
    "disabled": (
        "#78909c",
        DARK_GREY,
    ),  # a button that cannot be pressed now: its fill, or its words on white
    "disabled_border": ("#e3e8eb", DARK_GREY),  # its edge
    "track": ("#e0e6e9", MID_GREY),  # the empty part of a progress bar
    # The side bar
    "nav": ("#263238", BLACK),
    "nav_ink": ("#eceff1", WHITE),
    "nav_chosen": ("#37474f", YELLOW),  # the view in front
    "nav_chosen_ink": (WHITE, BLACK),
    # The accent: the desk's own colour
    "accent": ("#00796b", BLACK),  # the scan field's frame, the main button, the chosen option, progress
    "accent_edge": ("#00695c", BLACK),  # the edge of an accent fill; the words "printed"
    "accent_deep": ("#005b50", BLACK),  # the import button's edge
    "accent_light": ("#80cbc4", BLACK),  # the side bar's marker, the wizard's scan target
    "accent_wash": ("#e0f2f1", WHITE),  # behind "printed"; a column the person chose by hand
    "accent_disabled": ("#5e8f89", DARK_GREY),  # the import button while it cannot be pressed
    # Keyboard focus and selection
    "focus": ("#00796b", BLACK),  # the edge of the field or button with the focus
    "focus_fill": ("#005b50", FOCUS_BLUE),  # a filled button with the focus
    "focus_fill_ink": (WHITE, WHITE),
    # Selected rows and text; Fusion also draws the keyboard focus's outline in it (fields, lists, boxes)
    "selection": ("#00796b", FOCUS_BLUE),
    "selection_ink": (WHITE, WHITE),
    # Outcomes: never colour alone, the words and symbols say it too
    "admitted": ("#1b6e3a", "#004d1a"),  # let in, marked present, saved, online: it worked
    "warning": ("#8f5400", BLACK),  # amber: look before going on (already in, another session)
    "warning_fill": ("#ffcc80", WHITE),  # the button offering what to do about an amber outcome
    "refused": ("#a32019", "#7a0000"),  # red: not let in; what went wrong
    "refused_deep": ("#8a1c14", "#7a0000"),  # a refusal on the kiosk; a wrong PIN in Settings
    "neutral": ("#37474f", "#37474f"),  # ready to scan, undone, connecting
    "alarm": ("#bf360c", BLACK),  # duplicate admissions to look at
    "needs_wash": ("rgba(255,255,255,0.1)", "rgba(255,255,255,0.1)"),  # a person's needs on an outcome
    # Soft labels: a wash behind words in the matching ink
    "info_wash": ("#e3f2fd", WHITE),  # booked; an import under way
    "info_ink": ("#0d47a1", BLACK),
    "walk_in_wash": ("#ede7f6", WHITE),
    "walk_in_ink": ("#4527a0", BLACK),
    "admitted_wash": ("#e8f5e9", WHITE),  # checked in; an import done
    "admitted_ink": ("#1b5e20", "#004d1a"),
    "warning_wash": ("#fff3e0", WHITE),  # waiting list; a column not recognised; a duplicate
    "warning_ink": ("#8a4b00", BLACK),
    "warning_note": ("#8a5a00", BLACK),  # the kiosk's note that no PIN is set
    "refused_wash": ("#ffebee", WHITE),  # cancelled; an import that failed
    "refused_ink": ("#b71c1c", "#7a0000"),
    "online_wash": ("#e3f3e8", WHITE),  # the sync indicator
    "offline_wash": ("#fdeceb", WHITE),
    # The large displays: the kiosk and the first-run wizard
    "display_ink": ("#17323f", BLACK),  # titles, prompts, fields
    "display_ink_soft": ("#45606b", BLACK),  # explanations
    "display_ink_faint": ("#4f6873", BLACK),  # the kiosk's session line
    "discreet_ink": ("#4f6873", BLACK),  # the kiosk's Staff button: there, but not inviting
    "display_backdrop": ("#eef3f4", WHITE),  # behind the kiosk
    "display_border": ("#c9d8dc", BLACK),  # the kiosk's card and list
    "field_border": ("#78909c", BLACK),  # the wizard's fields, the kiosk's quiet buttons
    "rule": ("#e3ebed", BLACK),  # between the kiosk's list rows
    # The idle lock's cover
    "cover_ink": ("#263238", BLACK),
    "cover_ink_soft": ("#455a64", BLACK),
    # Paper: the print preview and the drawing of a sheet of labels
    "preview_backdrop": ("#78909c", BLACK),  # around the pages in the preview
    "paper": (WHITE, WHITE),
    "paper_shadow": ("#b0bec5", BLACK),
    "paper_line": ("#546e7a", BLACK),  # the sheet's edge; a used label's outline and cross
    "label_used": ("#cfd8dc", MID_GREY),
    "label_free": ("#f5f7f8", WHITE),
    "label_free_line": ("#78909c", BLACK),
    # The dashboard's chart
    "chart_bar": ("#00796b", BLACK),
    "chart_grid": ("#e0e6e9", MID_GREY),
}


@dataclass(frozen=True)
class Palette:
    """One theme's colour for each role (see ROLES for what each is for), as CSS colours."""

    high_contrast: bool
    ink: str
    ink_muted: str
    ink_faint: str
    ink_disabled: str
    on_colour: str
    window: str
    surface: str
    quiet: str
    hover: str
    idle: str
    border: str
    frame: str
    card_border: str
    strong_border: str
    disabled: str
    disabled_border: str
    track: str
    nav: str
    nav_ink: str
    nav_chosen: str
    nav_chosen_ink: str
    accent: str
    accent_edge: str
    accent_deep: str
    accent_light: str
    accent_wash: str
    accent_disabled: str
    focus: str
    focus_fill: str
    focus_fill_ink: str
    selection: str
    selection_ink: str
    admitted: str
    warning: str
    warning_fill: str
    refused: str
    refused_deep: str
    neutral: str
    alarm: str
    needs_wash: str
    info_wash: str
    info_ink: str
    walk_in_wash: str
    walk_in_ink: str
    admitted_wash: str
    admitted_ink: str
    warning_wash: str
    warning_ink: str
    warning_note: str
    refused_wash: str
    refused_ink: str
    online_wash: str
    offline_wash: str
    display_ink: str
    display_ink_soft: str
    display_ink_faint: str
    discreet_ink: str
    display_backdrop: str
    display_border: str
    field_border: str
    rule: str
    cover_ink: str
    cover_ink_soft: str
    preview_backdrop: str
    paper: str
    paper_shadow: str
    paper_line: str
    label_used: str
    label_free: str
    label_free_line: str
    chart_bar: str
    chart_grid: str

    def role(self, name: str) -> str:
        """The colour of a role named at run time (a look kept as role names)."""
        if name not in ROLES:
            raise KeyError(name)
        return str(getattr(self, name))

    def sheet(self, template: str) -> str:
        """A Qt style sheet from a template that names roles as `$role`."""
        return Template(template).substitute({name: getattr(self, name) for name in ROLES})


assert set(ROLES) == {f.name for f in fields(Palette)} - {"high_contrast"}, "ROLES and Palette disagree"
NORMAL = Palette(False, **{name: values[0] for name, values in ROLES.items()})
HIGH_CONTRAST = Palette(True, **{name: values[1] for name, values in ROLES.items()})


def palette_for(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else NORMAL


# -- What must be readable on what ----------------------------------------------------------------------

#: The least contrast ratio for each use (WCAG 2.2: 1.4.3 for text, 1.4.11 for focus rings, symbols and
#: parts of a chart). WCAG asks nothing of the words of a control that cannot be used now; the desk asks
#: 3:1 so that anyone can still read what it would do.
LEAST_CONTRAST = {"text": 4.5, "large": 3.0, "graphic": 3.0, "disabled": 3.0}

#: (ink, ground, use): each colour role drawn on each colour it sits on. A ground "wash over base" is a
#: see-through role laid on another. Every role is here or in DECORATION; a test checks both themes.
READINGS: tuple[tuple[str, str, str], ...] = (
    # Words on the ordinary surfaces
    *(
        (ink, ground, "text")
        for ink in ("ink", "ink_muted")
        for ground in ("window", "surface", "quiet", "hover")
    ),
    ("ink", "idle", "text"),
    ("ink", "warning_fill", "text"),  # the button offering what to do about an amber outcome
    ("ink_faint", "surface", "text"),
    ("ink_disabled", "surface", "disabled"),
    ("disabled", "window", "disabled"),
    ("on_colour", "disabled", "disabled"),
    ("on_colour", "accent_disabled", "disabled"),
    ("nav_ink", "nav", "text"),
    ("nav_chosen_ink", "nav_chosen", "text"),
    ("accent_light", "nav_chosen", "graphic"),  # the side bar's marker of the view in front
    # Words on a colour: the main buttons, outcomes, badges
    *(
        ("on_colour", ground, "text")
        for ground in ("accent", "admitted", "warning", "refused", "refused_deep", "neutral", "alarm")
    ),
    *(
        ("on_colour", f"needs_wash over {ground}", "text")
        for ground in ("admitted", "warning", "refused", "refused_deep", "neutral")
    ),
    # Outcome colours as words: a test's result, "saved", a wrong PIN, the wizard's scan
    *(
        (ink, ground, "text")
        for ink in ("admitted", "warning", "refused", "refused_deep")
        for ground in ("window", "surface")
    ),
    ("accent", "window", "text"),  # the wizard's step
    ("accent", "surface", "large"),  # the kiosk's big symbol
    # Keyboard focus and selection
    ("focus", "window", "graphic"),
    ("focus", "surface", "graphic"),
    ("focus_fill", "surface", "graphic"),
    ("focus_fill_ink", "focus_fill", "text"),
    ("selection", "surface", "graphic"),  # the focus outline Fusion draws round a field or a list
    ("selection", "window", "graphic"),
    ("selection_ink", "selection", "text"),
    # Soft labels
    ("info_ink", "info_wash", "text"),
    ("walk_in_ink", "walk_in_wash", "text"),
    ("admitted_ink", "admitted_wash", "text"),
    ("warning_ink", "warning_wash", "text"),
    ("refused_ink", "refused_wash", "text"),
    ("refused", "refused_wash", "text"),  # an import that failed
    ("neutral", "quiet", "text"),  # transferred; the sync indicator connecting
    ("accent_edge", "accent_wash", "text"),  # "printed"
    ("admitted", "online_wash", "text"),
    ("refused", "offline_wash", "text"),
    # The kiosk and the wizard
    *(
        (ink, ground, "text")
        for ink in (
            "display_ink",
            "display_ink_soft",
            "display_ink_faint",
            "warning_note",
            "discreet_ink",
            "refused_deep",
        )
        for ground in ("display_backdrop", "surface")
    ),
    ("display_ink", "window", "text"),
    ("display_ink_soft", "window", "text"),
    ("field_border", "surface", "graphic"),  # where to type in the wizard
    # The idle lock
    ("cover_ink", "quiet", "text"),
    ("cover_ink_soft", "quiet", "text"),
    # The sheet of labels and the chart
    ("paper_line", "paper", "graphic"),
    ("paper_line", "label_used", "graphic"),  # the cross on a used label
    ("label_free_line", "label_free", "graphic"),
    ("on_colour", "accent", "text"),
    ("accent", "track", "graphic"),  # how far a progress bar has gone
    ("chart_bar", "surface", "graphic"),
)

#: Roles that only decorate or group: an edge, a shadow, a fill that carries no meaning of its own.
DECORATION = frozenset(
    {
        "border",
        "frame",
        "card_border",
        "strong_border",
        "disabled_border",
        "accent_deep",
        "display_border",
        "rule",
        "preview_backdrop",
        "paper_shadow",
        "chart_grid",
    }
)


def contrast(ink: str, ground: str) -> float:
    """The WCAG 2 contrast ratio of two colours: `#rrggbb`, or `rgba(...)` laid on what lies under it
    (a ground written "wash over base")."""
    lighter, darker = sorted((_luminance(_rgb(ink)), _luminance(_rgb(ground))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def resolve(palette: Palette, ground: str) -> str:
    """A ground named in READINGS as a colour: a role, or a see-through role over another, flattened."""
    if " over " not in ground:
        return palette.role(ground)
    wash, base = ground.split(" over ")
    red, green, blue, alpha = _rgba(palette.role(wash))
    under = _rgb(palette.role(base))
    mixed = [
        round(alpha * top + (1 - alpha) * bottom)
        for top, bottom in zip((red, green, blue), under, strict=True)
    ]
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def _rgba(colour: str) -> tuple[int, int, int, float]:
    if colour.startswith("rgba("):
        red, green, blue, alpha = colour[5:-1].split(",")
        return int(red), int(green), int(blue), float(alpha)
    red, green, blue = _rgb(colour)
    return red, green, blue, 1.0


def _rgb(colour: str) -> tuple[int, int, int]:
    if not colour.startswith("#") or len(colour) != 7:
        raise ValueError(f"{colour} is not an opaque #rrggbb colour")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
