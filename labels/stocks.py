"""Label stocks as data: validated millimetre geometry of each roll or sheet Kierto prints on."""

from __future__ import annotations

from dataclasses import dataclass

from labels.translation import N_, translator

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
# Room for rounding when checking that the labels fit on the page.
_TOLERANCE_MM = 1e-6


@dataclass(frozen=True)
class LabelStock:
    """One label stock: the page, the grid of labels on it and the printer it is made for.

    Positions count from the top-left label, row by row, starting at 0. ``padding_mm`` is the
    blank edge inside every label that nothing is printed on (the printer's registration
    tolerance); barcode quiet zones may lie in it, since it is blank.
    """

    stock_id: str
    name: str
    page_width_mm: float
    page_height_mm: float
    label_width_mm: float
    label_height_mm: float
    columns: int = 1
    rows: int = 1
    margin_left_mm: float = 0.0
    margin_top_mm: float = 0.0
    column_gap_mm: float = 0.0
    row_gap_mm: float = 0.0
    printer_dpi: int = 300
    padding_mm: float = 1.5

    def __post_init__(self) -> None:
        if not self.stock_id or not self.name:
            raise ValueError("A label stock needs an id and a name.")
        for field_name in ("page_width_mm", "page_height_mm", "label_width_mm", "label_height_mm"):
            if getattr(self, field_name) <= 0:
                raise ValueError(f"The {field_name} of label stock {self.stock_id!r} must be positive.")
        for field_name in ("margin_left_mm", "margin_top_mm", "column_gap_mm", "row_gap_mm", "padding_mm"):
            if getattr(self, field_name) < 0:
                raise ValueError(f"The {field_name} of label stock {self.stock_id!r} cannot be negative.")
        if self.columns < 1 or self.rows < 1:
            raise ValueError(f"Label stock {self.stock_id!r} needs at least one column and one row.")
        if self.printer_dpi < 150:
            raise ValueError(
                f"Label stock {self.stock_id!r} names a {self.printer_dpi} dpi printer; "
                "barcodes need at least 150 dpi."
            )
        used_width = (
            self.margin_left_mm + self.columns * self.label_width_mm + (self.columns - 1) * self.column_gap_mm
        )
        used_height = (
            self.margin_top_mm + self.rows * self.label_height_mm + (self.rows - 1) * self.row_gap_mm
        )
        if (
            used_width > self.page_width_mm + _TOLERANCE_MM
            or used_height > self.page_height_mm + _TOLERANCE_MM
        ):
            raise ValueError(f"The labels of stock {self.stock_id!r} do not fit on its page.")
        if 2 * self.padding_mm >= min(self.label_width_mm, self.label_height_mm):
            raise ValueError(f"The padding of label stock {self.stock_id!r} leaves no room to print.")

    @property
    def labels_per_page(self) -> int:
        """How many labels one page (a sheet, or one label of a roll) holds."""
        return self.columns * self.rows

    @property
    def is_roll(self) -> bool:
        """Whether every label is a page of its own, as on a roll."""
        return self.labels_per_page == 1

    @property
    def dot_mm(self) -> float:
        """The size of one printer dot in millimetres."""
        return MM_PER_INCH / self.printer_dpi

    def label_origin_mm(self, position: int) -> tuple[float, float]:
        """Bottom-left corner of the label at ``position``, in mm from the page's bottom-left corner."""
        if not 0 <= position < self.labels_per_page:
            raise ValueError(
                f"Position {position} does not exist on {self.name}: "
                f"positions run from 0 to {self.labels_per_page - 1}."
            )
        row, column = divmod(position, self.columns)
        x = self.margin_left_mm + column * (self.label_width_mm + self.column_gap_mm)
        top = self.margin_top_mm + row * (self.label_height_mm + self.row_gap_mm)
        return x, self.page_height_mm - top - self.label_height_mm


BROTHER_62X29 = LabelStock(
    stock_id="brother-62x29",
    name=N_("Brother QL 62 × 29 mm roll"),
    page_width_mm=62.0,
    page_height_mm=29.0,
    label_width_mm=62.0,
    label_height_mm=29.0,
    printer_dpi=300,
    padding_mm=2.0,
)
DYMO_54X25 = LabelStock(
    stock_id="dymo-54x25",
    name=N_("Dymo 54 × 25 mm roll"),
    page_width_mm=54.0,
    page_height_mm=25.0,
    label_width_mm=54.0,
    label_height_mm=25.0,
    printer_dpi=300,
    padding_mm=1.5,
)
A4_70X37 = LabelStock(
    stock_id="a4-70x37",
    name=N_("A4 sheet of 3 × 8 labels, 70 × 37 mm"),
    page_width_mm=210.0,
    page_height_mm=297.0,
    label_width_mm=70.0,
    label_height_mm=37.0,
    columns=3,
    rows=8,
    margin_top_mm=0.5,
    printer_dpi=300,
    # Office printers leave about 4 mm of the sheet's edge unprinted.
    padding_mm=4.0,
)

# Adding a stock: define its LabelStock above and list it here; the layout adapts to its geometry,
# and the tests decode every stock's labels.
STOCKS: dict[str, LabelStock] = {stock.stock_id: stock for stock in (BROTHER_62X29, DYMO_54X25, A4_70X37)}


def stock_name(stock: LabelStock, language: str) -> str:
    """The stock's name in a language, e.g. "Brother QL 62 × 29 mm -rulla"."""
    return translator(language)(stock.name)


def get_stock(stock_id: str) -> LabelStock:
    """Return the label stock with this id, or say which ids exist."""
    try:
        return STOCKS[stock_id]
    except KeyError:
        known = ", ".join(sorted(STOCKS))
        raise ValueError(f"There is no label stock {stock_id!r}; the known stocks are {known}.") from None
