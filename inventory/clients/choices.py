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


class AccessAction(StrEnum):
    """What was done with a client's data, as written to the access log."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    PRINT = "print"
    EXPORT = "export"
    ANONYMISE = "anonymise"


ACCESS_ACTION_LABELS: dict[AccessAction, str] = {
    AccessAction.READ: N_("viewed"),
    AccessAction.CREATE: N_("recorded"),
    AccessAction.UPDATE: N_("changed"),
    AccessAction.DELETE: N_("removed"),
    AccessAction.PRINT: N_("printed"),
    AccessAction.EXPORT: N_("exported"),
    AccessAction.ANONYMISE: N_("erased"),
}


class AccessOutcome(StrEnum):
    """Whether the access was allowed or refused."""

    SUCCESS = "success"
    REFUSED = "refused"


class Purpose(StrEnum):
    """Why a client's data was processed: each client route declares one in `opt["purpose"]`."""

    CLIENT_REGISTER = "client_register"
    CLIENT_LIST = "client_list"
    CLIENT_RECORD = "client_record"
    ASSESSMENT = "assessment"
    ORIENTATION = "orientation"
    RESERVATION = "reservation"
    HANDOVER = "handover"
    LOAN_RETURN = "loan_return"
    LOAN_FOLLOW_UP = "loan_follow_up"
    DOCUMENT = "document"
    DATA_EXPORT = "data_export"
    DATA_ERASURE = "data_erasure"
    RETENTION = "retention"
    DEVICE_STEP = "device_step"


PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.CLIENT_REGISTER: N_("Registering a client"),
    Purpose.CLIENT_LIST: N_("Listing clients"),
    Purpose.CLIENT_RECORD: N_("Keeping the client record"),
    Purpose.ASSESSMENT: N_("Digital skills assessment"),
    Purpose.ORIENTATION: N_("Digital orientation"),
    Purpose.RESERVATION: N_("Reserving a device"),
    Purpose.HANDOVER: N_("Handing over or lending a device"),
    Purpose.LOAN_RETURN: N_("Return of a lent device"),
    Purpose.LOAN_FOLLOW_UP: N_("Following up loans"),
    Purpose.DOCUMENT: N_("Printing a document for the client"),
    Purpose.DATA_EXPORT: N_("The client's request for their data"),
    Purpose.DATA_ERASURE: N_("The client's request to erase their data"),
    Purpose.RETENTION: N_("The retention period ended"),
    Purpose.DEVICE_STEP: N_("A device lifecycle step"),
}
