"""Choice sets of the client area: one place for each field's values and their labels."""

from __future__ import annotations

from enum import StrEnum

from inventory.i18n import N_


class Accommodation(StrEnum):
    """What a client needs from the device; chosen from this list, never written as free-text health data."""

    LARGE_TEXT = "large_text"
    SCREEN_READER = "screen_reader"
    HEARING_IMPAIRMENT = "hearing_impairment"


ACCOMMODATION_LABELS: dict[Accommodation, str] = {
    Accommodation.LARGE_TEXT: N_("Large text"),
    Accommodation.SCREEN_READER: N_("Screen reader"),
    Accommodation.HEARING_IMPAIRMENT: N_("Hearing impairment"),
}


class AssessmentPhase(StrEnum):
    """When a skills assessment is made: at the start of the orientation or at its end."""

    START = "start"
    END = "end"


PHASE_LABELS: dict[AssessmentPhase, str] = {
    AssessmentPhase.START: N_("At the start"),
    AssessmentPhase.END: N_("At the end"),
}


class Observation(StrEnum):
    """The worker's observation of how the client managed a practical task."""

    NOT_TRIED = "not_tried"
    NEEDS_HELP = "needs_help"
    WITH_SUPPORT = "with_support"
    INDEPENDENT = "independent"


OBSERVATION_LABELS: dict[Observation, str] = {
    Observation.NOT_TRIED: N_("Not tried yet"),
    Observation.NEEDS_HELP: N_("Needs a lot of help"),
    Observation.WITH_SUPPORT: N_("Manages with some support"),
    Observation.INDEPENDENT: N_("Manages independently"),
}


class HandoverKind(StrEnum):
    """Whether the device is given (ownership passes) or lent until a due date."""

    GIFT = "gift"
    LOAN = "loan"


HANDOVER_KIND_LABELS: dict[HandoverKind, str] = {
    HandoverKind.GIFT: N_("Gift"),
    HandoverKind.LOAN: N_("Loan"),
}


class ReservationEnd(StrEnum):
    """How a reservation ended."""

    RELEASED = "released"
    EXPIRED = "expired"
    HANDED_OVER = "handed_over"
    LENT = "lent"


RESERVATION_END_LABELS: dict[ReservationEnd, str] = {
    ReservationEnd.RELEASED: N_("cancelled"),
    ReservationEnd.EXPIRED: N_("expired"),
    ReservationEnd.HANDED_OVER: N_("handed over"),
    ReservationEnd.LENT: N_("lent"),
}


class Accessory(StrEnum):
    """Accessories commonly handed out with a device (others can be typed in)."""

    CHARGER = "charger"
    MOUSE = "mouse"
    KEYBOARD = "keyboard"
    HEADSET = "headset"
    BAG = "bag"
    CABLE = "cable"


ACCESSORY_LABELS: dict[Accessory, str] = {
    Accessory.CHARGER: N_("Charger"),
    Accessory.MOUSE: N_("Mouse"),
    Accessory.KEYBOARD: N_("Keyboard"),
    Accessory.HEADSET: N_("Headset"),
    Accessory.BAG: N_("Bag"),
    Accessory.CABLE: N_("Power cable"),
}
